import { describe, expect, it } from 'vitest';
import { newerTags, parseVersionTag } from './semver-tags';

const TAGS = ['1.2.3', '1.2.4', '1.2.10', '1.3.0', '2.0.0', '1.2.4-alpine', '1.3.0-alpine', '1.2.3-alpine', '1.4.0-rc1', 'v1.9.9', 'latest', '1.2', '1.3', '1', '2', 'nightly', '1.2.02'];

describe('newer tags of the same line', () => {
  it('offers newer plain versions, newest first, each classed, and nothing else', () => {
    expect(newerTags('1.2.3', TAGS)).toEqual({
      floating: false,
      newer: [
        { tag: '2.0.0', change: 'major' },
        { tag: '1.3.0', change: 'minor' },
        { tag: '1.2.10', change: 'patch' },
        { tag: '1.2.4', change: 'patch' },
      ],
    });
  });

  it('keeps the suffix: -alpine is offered only -alpine tags', () => {
    expect(newerTags('1.2.3-alpine', TAGS).newer).toEqual([
      { tag: '1.3.0-alpine', change: 'minor' },
      { tag: '1.2.4-alpine', change: 'patch' },
    ]);
  });

  it('keeps the v prefix and the number of parts apart', () => {
    expect(newerTags('v1.2.0', TAGS).newer).toEqual([{ tag: 'v1.9.9', change: 'minor' }]);
    expect(newerTags('1.2', TAGS).newer).toEqual([{ tag: '1.3', change: 'minor' }]);
  });

  it('treats latest and names as floating (compare digests), with no newer tags', () => {
    expect(newerTags('latest', TAGS)).toEqual({ floating: true, newer: [] });
    expect(newerTags('nightly', TAGS)).toEqual({ floating: true, newer: [] });
  });

  it('treats a major-only tag as floating, and still names newer majors', () => {
    expect(newerTags('1', TAGS)).toEqual({ floating: true, newer: [{ tag: '2', change: 'major' }] });
  });

  it('offers nothing when the current tag is the newest, or the list is empty', () => {
    expect(newerTags('2.0.0', TAGS).newer).toEqual([]);
    expect(newerTags('1.2.3', []).newer).toEqual([]);
  });

  it('compares numbers, not text, and counts a version spelt twice once', () => {
    expect(newerTags('1.2.9', ['1.2.10', '1.2.8']).newer).toEqual([{ tag: '1.2.10', change: 'patch' }]);
    expect(newerTags('1.2.1', ['1.2.2', '1.2.02']).newer).toHaveLength(1);
  });

  it('reads version tags and refuses other shapes', () => {
    expect(parseVersionTag('16.4-bookworm')).toEqual({ prefix: '', numbers: [16, 4], suffix: '-bookworm' });
    expect(parseVersionTag('1.2.3.4')).toBeNull();
    expect(parseVersionTag('sha-abc123')).toBeNull();
  });
});
