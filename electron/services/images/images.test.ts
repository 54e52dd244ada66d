import { describe, expect, it, vi } from 'vitest';
import { throttle } from '../docker/engine-common';
import { refusal } from '../test-support/docker-fixtures';
import { familiarRef, parseImageRef } from './image-ref';
import { PullProgressTracker } from './pull-progress';

describe('image references', () => {
  it('parses the forms people write', () => {
    expect(parseImageRef('busybox')).toEqual({ repository: 'busybox', domain: null, tag: null, digest: null });
    expect(parseImageRef('127.0.0.1:5555/lab/busybox:1.1')).toEqual({ repository: '127.0.0.1:5555/lab/busybox', domain: '127.0.0.1:5555', tag: '1.1', digest: null });
    expect(parseImageRef('localhost/app')).toMatchObject({ domain: 'localhost', repository: 'localhost/app' });
    expect(parseImageRef('ghcr.io/owner/app:v2.0_rc-1')).toMatchObject({ domain: 'ghcr.io', tag: 'v2.0_rc-1' });
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageRef(`registry.lan:5000/team/app:1@${d}`)).toMatchObject({ tag: '1', digest: d });
    expect(parseImageRef('[::1]:5000/x')).toMatchObject({ domain: '[::1]:5000' });
  });

  it('refuses hostile or broken names with a VALIDATION error that says why', () => {
    const cases: Array<[string, RegExp]> = [
      ['busy box', /space/],
      ['busybox;rm -rf /', /space|;/],
      ['busybox;id', /character ;/],
      ['$(id)', /command substitution/],
      ['`id`', /command substitution/],
      ['busybox\nlatest', /line break/],
      ['busybox\u0007', /control character/],
      ['busybox"', /character "/],
      ["busybox'", /character '/],
      ['busybox?x=1', /character \?/],
      ['BusyBox', /lowercase/],
      ['busybox:-bad', /not a valid tag/],
      ['busybox@sha256:xyz', /not a digest/],
      ['a//b', /empty path component/],
      ['', /required/],
      ['x'.repeat(600), /limit is 512/],
    ];
    for (const [ref, why] of cases) {
      const e = refusal(() => parseImageRef(ref));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain('\n');
    }
  });

  it('normalises to the form RepoTags use', () => {
    expect(familiarRef('busybox')).toBe('busybox:latest');
    expect(familiarRef('docker.io/library/busybox:1.36')).toBe('busybox:1.36');
    expect(familiarRef('docker.io/owner/app')).toBe('owner/app:latest');
    expect(familiarRef('127.0.0.1:5555/lab/busybox:1.1')).toBe('127.0.0.1:5555/lab/busybox:1.1');
  });
});

describe('pull progress', () => {
  it('folds the engine stream into layers and an overall figure', () => {
    const t = new PullProgressTracker();
    const lines = [
      { status: 'Pulling from lab/busybox', id: '1.1' },
      { status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' },
      { status: 'Pulling fs layer', id: 'bbbbbbbbbbbb' },
      { status: 'Already exists', id: 'cccccccccccc' },
      { status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 500, total: 1000 } },
      { status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 100, total: 4000 } },
    ];
    for (const l of lines) t.apply(l);
    let s = t.snapshot();
    expect(s.layers.map((l) => l.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
    expect(s.overall).toEqual({ current: 600, total: 5000 });
    expect(s.message).toBe('Pulling from lab/busybox');
    t.apply({ status: 'Download complete', id: 'aaaaaaaaaaaa' });
    t.apply({ status: 'Extracting', id: 'aaaaaaaaaaaa', progressDetail: { current: 10, total: 1000 } });
    s = t.snapshot();
    expect(s.overall).toEqual({ current: 1100, total: 5000 });
    expect(s.layers[0]).toEqual({ id: 'aaaaaaaaaaaa', status: 'Extracting', current: 10, total: 1000 });
    t.apply({ status: 'Pull complete', id: 'aaaaaaaaaaaa' });
    t.apply({ status: 'Download complete', id: 'bbbbbbbbbbbb' });
    t.apply({ status: 'Pull complete', id: 'bbbbbbbbbbbb' });
    t.apply({ status: `Digest: sha256:${'d'.repeat(64)}` });
    t.apply({ status: 'Status: Downloaded newer image for 127.0.0.1:5555/lab/busybox:1.1' });
    s = t.snapshot();
    expect(s.overall).toEqual({ current: 5000, total: 5000 });
    expect(s.layers[0]).toMatchObject({ status: 'Pull complete', current: 1000, total: 1000 });
    expect(s.message).toContain('Downloaded newer image');
    expect(t.digest).toBe(`sha256:${'d'.repeat(64)}`);
    expect(t.upToDate).toBe(false);
  });

  it('throttles to one update per interval and never loses the last', () => {
    vi.useFakeTimers();
    try {
      const seen: number[] = [];
      const th = throttle((v: number) => seen.push(v), 100);
      for (let i = 0; i < 1000; i++) {
        th.push(i);
        vi.advanceTimersByTime(1); // 1000 pushes over 1 s
      }
      th.flush();
      expect(seen.length).toBeLessThanOrEqual(12);
      expect(seen.at(-1)).toBe(999);
    } finally {
      vi.useRealTimers();
    }
  });
});
