/** Node's network and TLS errors, said the way a person reading an alert on a phone needs them. */

const TLS_TRUST: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by an authority this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by an authority this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by an authority this computer does not trust',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_SIGNATURE_FAILURE: 'bad certificate signature',
  CERT_REVOKED: 'certificate revoked',
  INVALID_CA: 'invalid certificate authority',
};

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function isTlsTrustError(err: unknown): boolean {
  const code = errorCode(err);
  return code in TLS_TRUST || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID' || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
}

/** `host` and `port` name the target the way the user configured it. */
export function describeNetError(err: unknown, host: string, port: number | null): string {
  const code = errorCode(err);
  const target = port === null ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const trust = TLS_TRUST[code];
  if (trust) return `Certificate not trusted: ${trust} (${host})`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return `DNS lookup of ${host} failed (${code})`;
    case 'ECONNREFUSED':
      return `Connection refused by ${target}`;
    case 'ECONNRESET':
      return `Connection reset by ${target}`;
    case 'EHOSTUNREACH':
      return `No route to host ${host} (EHOSTUNREACH)`;
    case 'ENETUNREACH':
      return `Network unreachable for ${host} (ENETUNREACH)`;
    case 'ETIMEDOUT':
      return `Connection to ${target} timed out (ETIMEDOUT)`;
    case 'EPIPE':
      return `Connection to ${target} closed while sending (EPIPE)`;
    case 'CERT_HAS_EXPIRED':
      return `Certificate of ${host} has expired`;
    case 'CERT_NOT_YET_VALID':
      return `Certificate of ${host} is not valid yet (check this computer's clock)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const reason = (err as { reason?: string }).reason;
      return `Certificate not valid for ${host}${reason ? `: ${reason}` : ''}`;
    }
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS handshake with ${target} failed — is it plain HTTP? (${code})`;
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS handshake with ${target} failed (${code})`;
  if (code.startsWith('HPE_')) return `The answer from ${target} is not valid HTTP (${code})`;
  const msg = err instanceof Error ? err.message : String(err);
  return code ? `${msg} (${code})` : `${msg} (${target})`;
}
