import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type Dockerode from 'dockerode';
import { type BackupResultInfo, HomeportError, type VolumeTransferProgressInfo } from '../../../shared/contract';
import { abortedError, containerName, engineError, listUserContainers, throttle, validateName } from '../docker/engine-common';
import { pickArchiveImage, withHelper } from './helper-containers';
import { ByteCounter, PROGRESS_INTERVAL_MS } from './progress';
import { inspectVolume, usersByVolume, volumeSizes } from './volumes';

/**
 * Stream a volume as .tar.gz into `out` (ended on success, destroyed on failure): the engine's
 * archive of /v/. (entries `./…`, the layout `tar -C <dir> -czf - .` gives) from a created,
 * never-started helper that mounts the volume read-only, gzipped here. Progress counts tar bytes
 * read; `totalBytes` is the volume's size from df (the tar is a little bigger: headers).
 * A volume in use by a running container is backed up as it is on disk at that moment: the result
 * names those containers so the UI can say so.
 */
export async function backupVolume(
  docker: Dockerode,
  name: string,
  out: Writable,
  onProgress: (p: VolumeTransferProgressInfo) => void,
  signal?: AbortSignal,
  opts: { helperImage?: string; gzipLevel?: number } = {},
): Promise<BackupResultInfo> {
  validateName('volume', name);
  if (signal?.aborted) throw abortedError(`Backing up ${name}`);
  await inspectVolume(docker, name);
  const [image, containers] = await Promise.all([pickArchiveImage(docker, opts.helperImage), listUserContainers(docker)]);
  const running = (usersByVolume(containers).get(name) ?? []).filter((c) => c.State === 'running').map(containerName);
  // The expected size comes from df, which can take a while on a big host: the copy does not wait
  // for it; progress carries a total from the moment it is known.
  let totalBytes: number | null = null;
  volumeSizes(docker)
    .then((m) => (totalBytes = m.get(name) ?? null))
    .catch(() => {});
  const progress = throttle(onProgress, PROGRESS_INTERVAL_MS);

  return withHelper(docker, { volume: name, readOnly: true, purpose: 'backup', image }, async (c) => {
    let stream: Readable;
    try {
      stream = (await c.getArchive({ path: '/v/.' })) as unknown as Readable;
    } catch (e) {
      out.destroy();
      throw engineError(e);
    }
    const tarCount = new ByteCounter((bytes) => progress.push({ phase: 'copying', bytes, totalBytes }));
    const gzCount = new ByteCounter();
    progress.push({ phase: 'copying', bytes: 0, totalBytes });
    try {
      await pipeline(stream, tarCount, createGzip({ level: opts.gzipLevel ?? 6 }), gzCount, out, ...(signal ? [{ signal }] : []));
    } catch (e) {
      progress.cancel();
      stream.destroy();
      if (signal?.aborted) throw abortedError(`Backing up ${name}`);
      if (typeof (e as NodeJS.ErrnoException).syscall === 'string') {
        // The destination on this computer failed (disk full, permissions…), not the engine.
        throw new HomeportError(
          { code: 'VALIDATION', message: `Writing the backup failed: ${(e as Error).message}.`, fix: 'Choose a place with enough free space that you may write to, and back up again.', details: { field: 'destination' } },
          { cause: e },
        );
      }
      throw engineError(e, 'The backup stopped before the end; the output file is incomplete — delete it and back up again.');
    }
    progress.flush();
    return { volume: name, tarBytes: tarCount.bytes, gzipBytes: gzCount.bytes, runningContainers: running };
  });
}
