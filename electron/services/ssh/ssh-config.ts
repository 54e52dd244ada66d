import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HomeportError } from '../../../shared/contract';

/**
 * A reader for ~/.ssh/config, enough to import hosts: which aliases exist and where each one
 * really goes (HostName, User, Port, first IdentityFile).
 *
 * Resolution follows OpenSSH (ssh_config(5)): for an alias, every `Host` block whose patterns
 * match it is applied in file order, and for each setting the FIRST value obtained wins. So a
 * `Host *` block at the top overrides later specific blocks, and one at the bottom only fills in
 * what they left unset — exactly what `ssh <alias>` would use. Lines before the first `Host` apply
 * to every host. `Match` blocks are not evaluated (their conditions need a live connection); their
 * settings are skipped. `Include` is not followed and is reported as a problem.
 * Never throws: anything malformed becomes a problem with its line number.
 */

export interface SshConfigHost {
  alias: string;
  hostname: string;
  user: string | null;
  port: number;
  identityFile: string | null;
}

export interface SshConfigProblemInfo {
  line: number;
  message: string;
}

export interface ParsedSshConfig {
  hosts: SshConfigHost[];
  problems: SshConfigProblemInfo[];
}

/** Client keywords of OpenSSH 9.x (ssh_config(5)), lowercase, plus a few deprecated or vendor ones it accepts. */
const KNOWN_KEYWORDS = new Set(
  (
    'Host Match AddKeysToAgent AddressFamily BatchMode BindAddress BindInterface CanonicalDomains ' +
    'CanonicalizeFallbackLocal CanonicalizeHostname CanonicalizeMaxDots CanonicalizePermittedCNAMEs ' +
    'CASignatureAlgorithms CertificateFile ChannelTimeout CheckHostIP Ciphers ClearAllForwardings Compression ' +
    'ConnectionAttempts ConnectTimeout ControlMaster ControlPath ControlPersist DynamicForward ' +
    'EnableEscapeCommandline EnableSSHKeysign EscapeChar ExitOnForwardFailure FingerprintHash ' +
    'ForkAfterAuthentication ForwardAgent ForwardX11 ForwardX11Timeout ForwardX11Trusted GatewayPorts ' +
    'GlobalKnownHostsFile GSSAPIAuthentication GSSAPIClientIdentity GSSAPIDelegateCredentials ' +
    'GSSAPIKeyExchange GSSAPIRenewalForcesRekey GSSAPIServerIdentity GSSAPITrustDns GSSAPIKexAlgorithms ' +
    'HashKnownHosts HostbasedAcceptedAlgorithms HostbasedAuthentication HostKeyAlgorithms HostKeyAlias ' +
    'Hostname IdentitiesOnly IdentityAgent IdentityFile IgnoreUnknown Include IPQoS ' +
    'KbdInteractiveAuthentication KbdInteractiveDevices KexAlgorithms KnownHostsCommand LocalCommand ' +
    'LocalForward LogLevel LogVerbose MACs NoHostAuthenticationForLocalhost NumberOfPasswordPrompts ' +
    'ObscureKeystrokeTiming PasswordAuthentication PermitLocalCommand PermitRemoteOpen PKCS11Provider Port ' +
    'PreferredAuthentications ProxyCommand ProxyJump ProxyUseFdpass PubkeyAcceptedAlgorithms ' +
    'PubkeyAuthentication RefuseConnection RekeyLimit RemoteCommand RemoteForward RequestTTY RequiredRSASize ' +
    'RevokedHostKeys SecurityKeyProvider SendEnv ServerAliveCountMax ServerAliveInterval SessionType SetEnv ' +
    'StdinNull StreamLocalBindMask StreamLocalBindUnlink StrictHostKeyChecking SyslogFacility Tag ' +
    'TCPKeepAlive Tunnel TunnelDevice UpdateHostKeys User UserKnownHostsFile VerifyHostKeyDNS ' +
    'VisualHostKey WarnWeakCrypto XAuthLocation ' +
    // deprecated aliases OpenSSH still accepts, and Apple's UseKeychain
    'ChallengeResponseAuthentication PubkeyAcceptedKeyTypes HostbasedKeyTypes DSAAuthentication ' +
    'Protocol Cipher UseRoaming RSAAuthentication RhostsRSAAuthentication UsePrivilegedPort ' +
    'SmartcardDevice UseKeychain GSSAPIKexAlgorithms'
  )
    .toLowerCase()
    .split(/\s+/),
);

const SINGLE_VALUED = new Set(['hostname', 'user', 'port', 'identityfile']);

interface Entry {
  keyword: string; // lowercase
  args: string[];
  line: number;
}

interface Block {
  kind: 'global' | 'host' | 'match';
  patterns: string[];
  entries: Entry[];
}

/** OpenSSH's argv_split: whitespace-separated, double or single quotes group, `\` escapes, `#` token starts a comment. */
function splitArgs(s: string): { args: string[]; error: string | null } {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    if (s[i] === '#') break;
    let arg = '';
    let quote: string | null = null;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (quote === null && /\s/.test(c)) break;
      if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === "'" || s[i + 1] === '\\') && quote !== "'") {
        arg += s[++i];
      } else if (quote === null && (c === '"' || c === "'")) {
        quote = c;
      } else if (quote !== null && c === quote) {
        quote = null;
      } else {
        arg += c;
      }
    }
    if (quote !== null) return { args, error: 'unterminated quote' };
    args.push(arg);
  }
  return { args, error: null };
}

function hasWildcard(p: string): boolean {
  return /[*?!]/.test(p);
}

/** OpenSSH `Host` matching (readconf.c): a matching `!pattern` excludes; otherwise any match applies. */
function hostMatches(alias: string, patterns: string[]): boolean {
  const a = alias.toLowerCase();
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const p = (negated ? raw.slice(1) : raw).toLowerCase();
    if (globMatch(a, p)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(s: string, pattern: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
  return re.test(s);
}

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

export function parseSshConfig(text: string, homeDir: string): ParsedSshConfig {
  const problems: SshConfigProblemInfo[] = [];
  const problem = (line: number, message: string) => problems.push({ line, message });
  const blocks: Block[] = [{ kind: 'global', patterns: [], entries: [] }];
  const ignoreUnknown: string[] = [];

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^\s=]+)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
    if (!m) {
      problem(lineNo, `Cannot read this line: ${JSON.stringify(line.slice(0, 80))}.`);
      return;
    }
    const keywordRaw = m[1]!;
    const keyword = keywordRaw.toLowerCase();
    const { args, error } = splitArgs(m[2]!);
    if (error) {
      problem(lineNo, `${keywordRaw}: ${error}; the line is ignored.`);
      return;
    }
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keywordRaw)) {
      problem(lineNo, `Cannot read this line: ${JSON.stringify(line.slice(0, 80))}.`);
      return;
    }
    const current = blocks[blocks.length - 1]!;

    switch (keyword) {
      case 'host':
        if (args.length === 0) {
          problem(lineNo, 'Host needs at least one name or pattern; the block is ignored.');
          blocks.push({ kind: 'match', patterns: [], entries: [] }); // never applies
          return;
        }
        blocks.push({ kind: 'host', patterns: args, entries: [] });
        return;
      case 'match':
        // Conditions (exec, canonical, user…) cannot be evaluated while importing: skip the block.
        blocks.push({ kind: 'match', patterns: args, entries: [] });
        return;
      case 'include':
        problem(lineNo, `Include is not followed (${args.join(' ') || 'no file given'}); hosts defined there are not listed.`);
        return;
      case 'ignoreunknown':
        ignoreUnknown.push(...args.flatMap((a) => a.split(',')));
        return;
    }
    if (!KNOWN_KEYWORDS.has(keyword)) {
      if (!ignoreUnknown.some((p) => globMatch(keyword, p.toLowerCase()))) {
        problem(lineNo, `Unknown keyword "${keywordRaw}"; the line is ignored.`);
      }
      return;
    }
    if (current.kind === 'match') return;
    if (args.length === 0) {
      problem(lineNo, `${keywordRaw} has no value; the line is ignored.`);
      return;
    }
    if (SINGLE_VALUED.has(keyword) && args.length > 1) {
      problem(lineNo, `${keywordRaw} takes one value, got ${args.length}; the line is ignored.`);
      return;
    }
    switch (keyword) {
      case 'port': {
        const p = args[0]!;
        if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
          problem(lineNo, `Port must be a number from 1 to 65535, not "${p.slice(0, 40)}"; the line is ignored.`);
          return;
        }
        break;
      }
      case 'proxyjump':
      case 'proxycommand':
        if (args[0]!.toLowerCase() !== 'none') {
          problem(lineNo, `${keywordRaw} is not supported: Homeport connects to the host directly.`);
        }
        return;
      case 'identityfile': {
        const f = args[0]!;
        if (f.toLowerCase() !== 'none' && !f.startsWith('~') && !f.startsWith('%d') && !isAbsolute(f)) {
          problem(lineNo, `IdentityFile "${f.slice(0, 80)}" is a relative path; Homeport reads it from your home folder.`);
        }
        break;
      }
    }
    current.entries.push({ keyword, args, line: lineNo });
  });

  // Aliases worth importing: literal names from Host lines, in order of first appearance.
  const aliases: string[] = [];
  for (const b of blocks) {
    if (b.kind !== 'host') continue;
    for (const p of b.patterns) if (p !== '' && !hasWildcard(p) && !aliases.includes(p)) aliases.push(p);
  }

  const localUser = localUserName();
  const hosts = aliases.map((alias) => {
    const got = new Map<string, string>();
    for (const b of blocks) {
      if (b.kind === 'match' || (b.kind === 'host' && !hostMatches(alias, b.patterns))) continue;
      for (const e of b.entries) if (!got.has(e.keyword)) got.set(e.keyword, e.args[0]!);
    }
    const hostname = expandTokens(got.get('hostname') ?? alias, { h: alias });
    const user = got.get('user') ?? null;
    const port = got.has('port') ? Number(got.get('port')) : 22;
    const rawId = got.get('identityfile');
    let identityFile: string | null = null;
    if (rawId !== undefined && rawId.toLowerCase() !== 'none') {
      identityFile = expandPath(rawId, homeDir, {
        d: homeDir,
        u: localUser,
        h: hostname,
        r: user ?? localUser,
        n: alias,
        p: String(port),
      });
    }
    return { alias, hostname, user, port, identityFile };
  });

  return { hosts, problems };
}

/** `%x` tokens (ssh_config(5) TOKENS); `%%` is a percent sign; unknown tokens are left as they are. */
function expandTokens(s: string, values: Record<string, string>): string {
  return s.replace(/%(.)/g, (all, c: string) => (c === '%' ? '%' : values[c] ?? all));
}

function expandPath(p: string, homeDir: string, values: Record<string, string>): string {
  let out = p;
  if (out === '~') out = homeDir;
  else if (out.startsWith('~/')) out = join(homeDir, out.slice(2));
  out = expandTokens(out, values);
  if (!isAbsolute(out)) out = join(homeDir, out);
  return out;
}

/**
 * Read and parse an ssh config file. A missing file is an empty result (most people have none);
 * any other read error is SSH_CONFIG.
 */
export async function readSshConfig(path: string, homeDir: string = homedir()): Promise<ParsedSshConfig & { path: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, hosts: [], problems: [] };
    throw new HomeportError(
      {
        code: 'SSH_CONFIG',
        message: `Cannot read ${path} (${code ?? (e instanceof Error ? e.message : 'unknown error')}).`,
        fix: code === 'EACCES' ? `Make the file readable by your user (chmod 600 ${path}).` : `Check that ${path} is a readable file.`,
        details: { path },
      },
      { cause: e },
    );
  }
  return { path, ...parseSshConfig(text, homeDir) };
}
