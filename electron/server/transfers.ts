import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { BUG_FIX, HomeportError, toErrorInfo, type ErrorInfo } from '../../shared/contract';
import type { Logger } from '../services/platform/platform';
import type { VolumeTransfers } from '../services/volumes';

export interface TransferContext {
  transfers: VolumeTransfers;
  logger: Logger;
  baseHeaders: OutgoingHttpHeaders;
  sendPage(res: ServerResponse, status: number, title: string, html: string, extra?: OutgoingHttpHeaders): void;
}

const ID_RE = /^t_[A-Za-z0-9_-]{16,64}$/;

function statusFor(e: ErrorInfo): number {
  switch (e.code) {
    case 'VALIDATION':
      return e.details?.field === 'size' ? 413 : 400;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'DISCONNECTED':
      return 503;
    case 'ENGINE':
      return 502;
    default:
      return 500;
  }
}

function infoOf(e: unknown): ErrorInfo {
  return toErrorInfo(e, { message: 'The transfer failed unexpectedly.', fix: BUG_FIX });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Headless mode's volume transfers (VolumeTransfers prepares them through the contract):
 * `GET /transfers/<id>` streams the backup as a `.tar.gz` download, `PUT /transfers/<id>` streams
 * the request body (a `.tar.gz`, at most the size declared when it was prepared) into the restore
 * and answers with a JSON envelope. Each id works once. The caller has checked the session and
 * the Origin.
 */
export function handleTransfer(req: IncomingMessage, res: ServerResponse, id: string, ctx: TransferContext): void {
  const method = req.method ?? 'GET';
  if (!ID_RE.test(id)) return ctx.sendPage(res, 404, 'Not found', 'There is no such transfer.');
  if (method === 'GET') return download(req, res, id, ctx);
  if (method === 'PUT' || method === 'POST') return upload(req, res, id, ctx);
  ctx.sendPage(res, 405, 'Method not allowed', 'Transfers are downloaded with GET and uploaded with PUT.', { Allow: 'GET, PUT, POST' });
}

function download(_req: IncomingMessage, res: ServerResponse, id: string, ctx: TransferContext): void {
  let claimed: ReturnType<VolumeTransfers['claim']>;
  try {
    claimed = ctx.transfers.claim(id, 'backup');
  } catch (e) {
    const info = infoOf(e);
    return ctx.sendPage(res, statusFor(info), 'Download unavailable', escapeHtml(`${info.message} ${info.fix ?? ''}`));
  }
  const headers: OutgoingHttpHeaders = {
    ...ctx.baseHeaders,
    'Content-Type': 'application/gzip',
    // The name is the volume's ([A-Za-z0-9_.-], checked) plus a timestamp: nothing to escape.
    'Content-Disposition': `attachment; filename="${claimed.fileName}"`,
    'Cache-Control': 'no-store',
  };
  // The status line waits for the first byte, so a backup that fails at once (volume gone, host
  // down) is an error page, not an empty download.
  const body = new PassThrough();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, headers);
  };
  body.on('data', (chunk: Buffer) => {
    start();
    if (!res.write(chunk)) {
      body.pause();
      res.once('drain', () => body.resume());
    }
  });
  body.on('end', () => {
    start();
    res.end();
  });
  // The browser cancelled the download: stop reading the volume.
  res.on('close', () => {
    if (!res.writableFinished) claimed.abort();
  });
  ctx.transfers.runBackup(id, body).then(
    (r) => ctx.logger.info('backup downloaded', { volume: r.volume, bytes: r.gzipBytes }),
    (e: unknown) => {
      const info = infoOf(e);
      ctx.logger.warn('backup download failed', { code: info.code, error: info.message });
      if (!started && !res.headersSent) ctx.sendPage(res, statusFor(info), 'Backup failed', escapeHtml(`${info.message} ${info.fix ?? ''}`));
      else res.destroy();
    },
  );
}

/** Passes at most `limit` bytes; more is an error (the upload is bigger than declared). */
class SizeLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      cb(new HomeportError({ code: 'VALIDATION', message: `The upload is bigger than the ${this.limit} bytes announced for it.`, fix: 'Choose the file again and restore again.', details: { field: 'size' } }));
      return;
    }
    cb(null, chunk);
  }
}

function upload(req: IncomingMessage, res: ServerResponse, id: string, ctx: TransferContext): void {
  const answer = (status: number, body: unknown) => {
    if (res.headersSent) return void res.end();
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...ctx.baseHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      // An answer before the whole body arrived (a refusal): do not read the rest.
      ...(req.complete ? {} : { Connection: 'close' }),
    });
    res.end(text);
  };
  const fail = (e: unknown) => {
    const info = infoOf(e);
    answer(statusFor(info), { ok: false, error: info });
  };
  let claimed: ReturnType<VolumeTransfers['claim']>;
  try {
    claimed = ctx.transfers.claim(id, 'restore');
  } catch (e) {
    req.resume();
    return fail(e);
  }
  const limit = claimed.sizeBytes ?? 0;
  const declared = Number(req.headers['content-length']);
  if (req.headers['content-length'] !== undefined && (!Number.isSafeInteger(declared) || declared > limit)) {
    claimed.abort();
    // Claimed but never run: it finishes as aborted, and the stream says so.
    ctx.transfers.runRestore(id, new PassThrough()).catch(() => {});
    return fail(new HomeportError({ code: 'VALIDATION', message: `The upload (${req.headers['content-length']} bytes) is bigger than the ${limit} bytes announced for it.`, fix: 'Choose the file again and restore again.', details: { field: 'size' } }));
  }
  const limited = new SizeLimit(limit);
  let sizeError: unknown = null;
  limited.on('error', (e) => (sizeError = e));
  req.on('error', (e) => limited.destroy(e));
  req.on('aborted', () => claimed.abort());
  req.pipe(limited);
  ctx.transfers.runRestore(id, limited).then(
    (r) => {
      ctx.logger.info('restore uploaded', { volume: r.volume, entries: r.entries });
      answer(200, { ok: true, value: r });
    },
    (e: unknown) => fail(sizeError instanceof HomeportError ? sizeError : e),
  );
}
