import { HomeportError } from '../../../shared/contract';
import { readTextCapped } from '../alerts';
import { connectionError, REMOTE_ERROR } from './kuma-errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpGetResult {
  status: number;
  contentType: string;
  body: string;
}

/** A big Kuma's /metrics (5,000 monitors) is about 10 MiB; a status page far less. */
export const MAX_BODY = 16 * 1024 * 1024;

/**
 * One GET with a timeout. Network failures become CONNECTION_REFUSED / UNREACHABLE naming `label`;
 * HTTP statuses are returned for the caller to judge. The URL is never put in an error (it may carry
 * a token); `label` says what was asked. A body larger than `maxBytes` is refused once that much
 * has arrived, never read whole.
 */
export async function httpGet(fetchImpl: FetchLike, url: string, label: string, timeoutMs: number, headers: Record<string, string> = {}, maxBytes = MAX_BODY): Promise<HttpGetResult> {
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new HomeportError({ code: 'UNREACHABLE', message: `${label} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`, fix: 'Check the address and that the machine is up.' }, { cause: err });
    }
    throw connectionError(label, err);
  }
  const tooLarge = () =>
    new HomeportError({
      code: REMOTE_ERROR,
      message: `${label} answered with more than ${formatSize(maxBytes)}; Homeport reads at most ${formatSize(maxBytes)}.`,
      fix: 'Check that the address points to Uptime Kuma, and not to a download or a stream.',
    });
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  let read: { text: string; truncated: boolean };
  try {
    read = await readTextCapped(res, maxBytes);
  } catch (err) {
    throw connectionError(label, err);
  }
  if (read.truncated) throw tooLarge();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: read.text };
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${Math.round(n / 1024)} KiB`;
}
