import { createTransport } from 'nodemailer';
import { HomeportError } from '../../../../shared/model/errors';
import type { EmailConfig } from './config';
import { plainText, SEVERITY_EMOJI, type Notifier } from './format';
import { abortError, scrub } from './http';

/** A connection per message: alerts are rare, and a pooled socket would only go stale between them. */
export const sendEmail: Notifier<EmailConfig> = async (alert, config, { signal }) => {
  const where = `${config.host}:${config.port}`;
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.startTls === 'required',
    ignoreTLS: !config.secure && config.startTls === 'off',
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    // A homelab relay with a self-signed certificate is allowed only when the user said so.
    tls: { rejectUnauthorized: !config.allowInvalidCertificate },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: `${SEVERITY_EMOJI[alert.severity]} ${alert.title}`,
      text: plainText(alert),
      headers: { 'X-Homeport-Alert': alert.kind },
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw abortError('The mail server', where, signal, err);
    throw mailError(err, config, where);
  } finally {
    transport.close();
  }
};

function mailError(err: unknown, config: EmailConfig, where: string): HomeportError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const said = scrub(String(e.message ?? err), [config.password ?? '']).replace(/\s+/g, ' ').slice(0, 200);
  const details = { host: where, ...(e.code ? { cause: e.code } : {}), ...(e.responseCode ? { status: e.responseCode } : {}) };
  const mk = (code: 'UNREACHABLE' | 'AUTH_FAILED' | 'VALIDATION', message: string, fix: string, retryable: boolean) =>
    new HomeportError({ code, message, fix, details: { ...details, retryable } }, { cause: err });
  const tlsProblem = /certificate|self[- ]signed|SSL|TLS|wrong version number/i.test(said);
  switch (e.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return mk('AUTH_FAILED', `The mail server ${where} refused the user name or password: ${said}.`, 'Check the SMTP user and password (many providers want an app password).', false);
    case 'EENVELOPE':
      return mk('VALIDATION', `The mail server ${where} refused the sender or a recipient: ${said}.`, 'Check the From and To addresses, and that this server may send from that address.', false);
    case 'ETLS':
    case 'EREQUIRETLS':
      return mk('VALIDATION', `The mail server ${where} could not start TLS: ${said}.`, 'Check the port and TLS settings: 465 uses implicit TLS, 587 uses STARTTLS.', false);
    case 'EDNS':
      return mk('UNREACHABLE', `The mail server ${config.host} does not resolve.`, 'Check the SMTP host name.', true);
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'ESOCKET':
    case 'EPROTOCOL':
      if (tlsProblem) {
        return mk('UNREACHABLE', `The mail server ${where} failed the TLS handshake: ${said}.`, 'Check the port and TLS settings (465: TLS; 587: STARTTLS), or allow its self-signed certificate.', false);
      }
      return mk('UNREACHABLE', `The mail server ${where} could not be reached: ${said}.`, 'Check the host and port, and that the server accepts connections from this computer.', true);
  }
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    return mk('VALIDATION', `The mail server ${where} rejected the message: ${said}.`, 'Check the addresses and the server’s sending rules.', false);
  }
  return mk('UNREACHABLE', `The mail server ${where} did not take the message: ${said}.`, 'Homeport retries on its own; if it keeps failing, check the server.', true);
}
