import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';

/**
 * The test lab's description, written by `bash scripts/lab.sh up`: two Docker engines, sshd, a
 * registry, keys and users on this machine. Integration tests read it with `loadLab()` and FAIL with a clear message when the lab is not
 * up: they never skip silently. Path: $HOMEPORT_LAB, or /var/tmp/homeport-lab/lab.json.
 */
export interface Lab {
  dir: string;
  engine1: { socket: string };
  engine2: { socket: string };
  ssh: {
    host: string;
    port: number;
    /** sshd with `AllowStreamLocalForwarding no`: Docker must go through dial-stdio. */
    noForwardPort: number;
    hostKeyFingerprint: string;
    hostKeyType: string;
    /** `ssh-ed25519 AAAA…` */
    hostPublicKey: string;
    pid2222File: string;
    config2222: string;
  };
  keys: {
    /** Unencrypted ed25519, authorised for root, hpuser and hpnodock; also held by the agent. */
    plain: string;
    /** ed25519 with passphrase `passphraseText`, authorised for root. */
    passphrase: string;
    /** Legacy `-m PEM` encrypted RSA (same passphrase), authorised for root. */
    rsaPem: string;
    passphraseText: string;
    /** A key nobody authorised. */
    wrong: string;
  };
  users: {
    root: string;
    /** In group docker. */
    password: { user: string; password: string };
    /** Not in group docker. */
    noDocker: { user: string; password: string };
    /** In group docker, id_plain authorised, login shells that are not POSIX (fish, tcsh). */
    fish: { user: string; shell: string };
    tcsh: { user: string; shell: string };
  };
  agentSock: string;
  registry: string;
  image: string;
  compose: { project: string; services: string[]; webPort: number; dir: string };
}

export const DEFAULT_LAB_JSON = '/var/tmp/homeport-lab/lab.json';

export function labJsonPath(): string {
  return process.env.HOMEPORT_LAB || DEFAULT_LAB_JSON;
}

const START_HINT = 'Start it with: bash scripts/lab.sh up (as root), or point HOMEPORT_LAB at its lab.json.';

/** Read lab.json; throws (failing the test) when it is missing or malformed. */
export function loadLab(): Lab {
  const path = labJsonPath();
  if (!existsSync(path)) throw new Error(`The Homeport test lab is not up: ${path} does not exist. ${START_HINT}`);
  let lab: Lab;
  try {
    lab = JSON.parse(readFileSync(path, 'utf8')) as Lab;
  } catch (e) {
    throw new Error(`The Homeport test lab description ${path} is not valid JSON (${e instanceof Error ? e.message : e}). ${START_HINT}`);
  }
  if (typeof lab?.ssh?.port !== 'number' || typeof lab?.engine1?.socket !== 'string' || typeof lab?.keys?.plain !== 'string') {
    throw new Error(`The Homeport test lab description ${path} lacks ssh/engine1/keys. ${START_HINT}`);
  }
  return lab;
}

/** Whether something accepts a connection at `target` (a TCP host and port, or a unix socket path) within the timeout. */
function opens(target: net.NetConnectOpts, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(target);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

const tcpOpen = (host: string, port: number) => opens({ host, port });
const unixOpen = (path: string) => opens({ path });

/**
 * Check that what lab.json describes is actually running (sshds, engines, agent); throws a
 * message listing what is down. Call it in `beforeAll` so a stopped lab fails loudly and early.
 */
export async function assertLabUp(lab: Lab): Promise<void> {
  const down: string[] = [];
  const checks: Array<[string, Promise<boolean>]> = [
    [`sshd ${lab.ssh.host}:${lab.ssh.port}`, tcpOpen(lab.ssh.host, lab.ssh.port)],
    [`sshd ${lab.ssh.host}:${lab.ssh.noForwardPort}`, tcpOpen(lab.ssh.host, lab.ssh.noForwardPort)],
    [`engine1 ${lab.engine1.socket}`, unixOpen(lab.engine1.socket)],
    [`engine2 ${lab.engine2.socket}`, unixOpen(lab.engine2.socket)],
    [`ssh-agent ${lab.agentSock}`, unixOpen(lab.agentSock)],
  ];
  for (const [name, p] of checks) if (!(await p)) down.push(name);
  for (const k of [lab.keys.plain, lab.keys.passphrase, lab.keys.rsaPem, lab.keys.wrong]) {
    try {
      statSync(k);
    } catch {
      down.push(`key file ${k}`);
    }
  }
  if (down.length) throw new Error(`The Homeport test lab is not (fully) up — down: ${down.join(', ')}. ${START_HINT}`);
}

/** `loadLab()` + `assertLabUp()`. */
export async function requireLab(): Promise<Lab> {
  const lab = loadLab();
  await assertLabUp(lab);
  return lab;
}
