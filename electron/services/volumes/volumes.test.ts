import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { makeTarGz, refusal } from '../test-support/docker-fixtures';
import { pickArchiveImage, pickToolImages } from './helper-containers';
import { checkTar, normalizeEntryPath, sanitizeTar, TarPolicy, tarBytesOf } from './tar-safety';
import { normalizeVolumePath } from './browse';

const policy = (maxBytes = 1e9) => new TarPolicy({ maxBytes, maxEntries: 1000 });

describe('volume paths', () => {
  it('normalises and confines', () => {
    expect(normalizeVolumePath('/')).toEqual([]);
    expect(normalizeVolumePath('')).toEqual([]);
    expect(normalizeVolumePath('a/./b//c/')).toEqual(['a', 'b', 'c']);
    expect(normalizeVolumePath("/it's \"q\"; $(x)")).toEqual(["it's \"q\"; $(x)"]);
    for (const bad of ['..', '../x', '/a/../../b', 'a/..']) expect(refusal(() => normalizeVolumePath(bad)).code).toBe('VALIDATION');
    expect(refusal(() => normalizeVolumePath('a\0b')).code).toBe('VALIDATION');
  });
});

describe('tar policy', () => {
  it('normalises entry names and refuses escapes', () => {
    expect(normalizeEntryPath('./a/./b/')).toBe('a/b');
    expect(normalizeEntryPath('./')).toBe('');
    expect(refusal(() => normalizeEntryPath('/etc/passwd')).message).toContain('absolute');
    expect(refusal(() => normalizeEntryPath('a/../../x')).message).toContain('..');
  });

  it('keeps files, dirs, symlinks and earlier-file hard links, refuses the rest', () => {
    const p = policy();
    expect(p.accept({ name: './', type: 'directory', mode: 0o40755 })).toMatchObject({ name: './', type: 'directory', mode: 0o755 });
    // setuid/setgid bits of files are cleared unless kept; a directory keeps its setgid bit
    expect(p.accept({ name: 'a.txt', type: 'file', size: 5, mode: 0o104755 })).toMatchObject({ name: './a.txt', size: 5, mode: 0o755 });
    expect(p.accept({ name: 'shared/', type: 'directory', mode: 0o42775 })).toMatchObject({ name: './shared/', mode: 0o2775 });
    expect(p.accept({ name: './abs', type: 'symlink', linkname: '/etc/passwd' })).toMatchObject({ name: './abs', linkname: '/etc/passwd' });
    expect(p.accept({ name: './hard', type: 'link', linkname: './a.txt' })).toMatchObject({ linkname: './a.txt' });
    expect(refusal(() => p.accept({ name: './abs/x', type: 'file', size: 1 })).message).toContain('symbolic link');
    expect(refusal(() => p.accept({ name: './h2', type: 'link', linkname: '../../etc/shadow' })).message).toContain('..');
    expect(refusal(() => p.accept({ name: './h3', type: 'link', linkname: 'nothing-here' })).message).toContain('hard link');
    expect(refusal(() => p.accept({ name: './null', type: 'character-device' })).message).toContain('device');
    expect(refusal(() => p.accept({ name: './sda', type: 'block-device' })).message).toContain('device');
    expect(refusal(() => p.accept({ name: './pipe', type: 'fifo' })).message).toContain('FIFO');
    expect(p.entries).toBe(5);
    expect(p.bytes).toBe(5);
    expect(p.setuidCleared).toBe(1);
    const keep = new TarPolicy({ maxBytes: 1e9, maxEntries: 10, keepSetuid: true });
    expect(keep.accept({ name: 'a.txt', type: 'file', size: 5, mode: 0o106755 })).toMatchObject({ mode: 0o6755 });
    expect(keep.setuidCleared).toBe(0);
  });

  it('refuses anything in the place of an earlier symlink (tar would chown/chmod through it); the size cap and entry cap hold', () => {
    const p = policy(10);
    p.accept({ name: 'l', type: 'symlink', linkname: '/' });
    for (const type of ['directory', 'file', 'symlink'] as const) {
      expect(refusal(() => p.accept({ name: 'l', type, size: 0, linkname: '/x' })).message).toContain('in the place of the symbolic link');
    }
    expect(p.accept({ name: 'x', type: 'file', size: 4 })).toBeTruthy();
    expect(refusal(() => p.accept({ name: 'big', type: 'file', size: 7 })).message).toContain('size limit');
    const q = new TarPolicy({ maxBytes: 1e9, maxEntries: 2 });
    q.accept({ name: 'a', type: 'file', size: 0 });
    q.accept({ name: 'b', type: 'file', size: 0 });
    expect(refusal(() => q.accept({ name: 'c', type: 'file', size: 0 })).message).toContain('entries');
  });

  it('re-writes a good archive and fails the stream on a hostile one', async () => {
    const good = await makeTarGz([{ name: 'dir/', type: 'directory' }, { name: 'dir/f', content: 'data' }]);
    const p = policy();
    const { stream, done } = sanitizeTar(await tarBytesOf(Readable.from([good])), p);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    await done;
    expect(p.entries).toBe(2);
    const again = policy();
    await checkTar(Readable.from([Buffer.concat(chunks)]), again);
    expect(again.entries).toBe(2);

    const evil = await makeTarGz([{ name: 'ok', content: 'x' }, { name: '../evil', content: 'y' }]);
    const bad = sanitizeTar(await tarBytesOf(Readable.from([evil])), policy());
    await expect(bad.done).rejects.toThrow(/\.\.\/evil/);
    await expect(checkTar(await tarBytesOf(Readable.from([evil])), policy())).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(checkTar(await tarBytesOf(Readable.from([Buffer.from('plain garbage that is no tar at all'.repeat(40))])), policy())).rejects.toThrow(/not a valid tar/);
    await expect(checkTar(await tarBytesOf(Readable.from([good.subarray(0, good.length - 12)])), policy())).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(tarBytesOf(Readable.from([]))).rejects.toThrow(/empty/);
  });
});

describe('helper images', () => {
  const host = (images: Array<{ Id: string; RepoTags: string[] | null; Size: number }>) => ({ listImages: async () => images }) as unknown as Dockerode;

  it('prefers the caller\'s image, then busybox/alpine-like ones, then the smallest', async () => {
    const imgs = [
      { Id: 'sha256:1', RepoTags: ['postgres:16'], Size: 400e6 },
      { Id: 'sha256:2', RepoTags: ['ghcr.io/x/tiny:1'], Size: 5e6 },
      { Id: 'sha256:3', RepoTags: ['alpine:3.20'], Size: 8e6 },
      { Id: 'sha256:4', RepoTags: ['registry.lan/mirror/busybox:1.36'], Size: 4e6 },
      { Id: 'sha256:5', RepoTags: ['debian:12'], Size: 120e6 },
    ];
    expect(await pickArchiveImage(host(imgs), 'postgres:16')).toBe('postgres:16');
    expect(await pickArchiveImage(host(imgs), 'absent:1')).toBe('registry.lan/mirror/busybox:1.36');
    expect(await pickArchiveImage(host(imgs.slice(0, 2)))).toBe('ghcr.io/x/tiny:1');
    expect(await pickToolImages(host(imgs))).toEqual(['registry.lan/mirror/busybox:1.36', 'alpine:3.20', 'debian:12']);
    expect(await pickToolImages(host(imgs.slice(0, 2)))).toEqual([]);
  });

  it('says what to do when the host has no image at all', async () => {
    const e = await pickArchiveImage(host([])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HomeportError);
    expect(e).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no image'), fix: expect.stringContaining('busybox') });
  });
});
