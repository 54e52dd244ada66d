import { HomeportError } from '../../../shared/contract';
import { connectionError, REMOTE_ERROR } from './kuma-errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpGetResult {
  status: number;
  contentType: string;
  body: string;
}

const MAX_BODY = 32 * 1024 * 1024;

/**
 * One GET with a timeout. Network failures become CONNECTION_REFUSED / UNREACHABLE naming `label`;
 * HTTP statuses are returned for the caller to judge. The URL is never put in an error (it may carry
 * a token); `label` says what was asked.
 */
export async function httpGet(fetchImpl: FetchLike, url: string, label: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<HttpGetResult> {
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new HomeportError({ code: 'UNREACHABLE', message: `${label} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`, fix: 'Check the address and that the machine is up.' }, { cause: err });
    }
    throw connectionError(label, err);
  }
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_BODY) {
    await res.body?.cancel().catch(() => {});
    throw new HomeportError({ code: REMOTE_ERROR, message: `${label} answered with ${Math.round(length / 1e6)} MB, more than Homeport reads.` });
  }
  let body: string;
  try {
    body = await res.text();
  } catch (err) {
    throw connectionError(label, err);
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body };
}
