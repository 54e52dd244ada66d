// npm run bench:ssh — how fast is a Docker API call over Homeport's one SSH connection?
// In one run: the median of N calls (list containers, then inspect one) over one established SSH
// connection (streamlocal forward), the same on the engine's local unix socket (the baseline),
// and `docker -H ssh://…` CLI commands (ps, inspect) — what people use without Homeport.
// Prints the medians and the ratios as one JSON line at the end. Needs the lab (`npm run lab`).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { openDockerTransport } from '../electron/services/ssh/docker-transport';
import { KnownHosts } from '../electron/services/ssh/known-hosts';
import { connectSsh } from '../electron/services/ssh/ssh-connect';

const run = promisify(execFile);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
// The CLI takes ~0.2–0.8 s per command (a handshake and a remote process each time): fewer samples.
const CLI_CALLS = Number(process.env.BENCH_CLI_CALLS ?? 20);

const lab = JSON.parse(readFileSync(process.env.HOMEPORT_LAB ?? '/var/tmp/homeport-lab/lab.json', 'utf8')) as {
  ssh: { host: string; port: number; hostPublicKey: string };
  keys: { plain: string };
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

async function sample(n: number, f: () => Promise<unknown>): Promise<number[]> {
  await f(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return times;
}

async function listAndInspect(docker: Docker) {
  const list = await docker.listContainers({ all: true });
  await docker.getContainer(list[0]!.Id).inspect();
}

async function main() {
  // Trust the lab's host key the way a user would have: remembered, then checked on connect.
  const store = new Map<string, unknown>();
  const knownHosts = new KnownHosts({ store: { get: (k) => store.get(k), set: (k, v) => void store.set(k, v), delete: (k) => void store.delete(k) }, userKnownHostsFile: null });
  const blob = Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64');
  knownHosts.accept(lab.ssh.host, lab.ssh.port, blob);

  const client = await connectSsh(
    { hostname: lab.ssh.host, port: lab.ssh.port, user: 'root', agentSocket: null, keys: [{ label: 'lab', privateKey: readFileSync(lab.keys.plain), passphrase: null }], password: null },
    { verifyHostKey: (key) => knownHosts.check(lab.ssh.host, lab.ssh.port, key) },
  );
  const { docker: overSsh, transport } = await openDockerTransport(client, '/var/run/docker.sock');
  const local = new Docker({ socketPath: '/var/run/docker.sock' });

  // Interleave the two API transports in rounds so that machine noise hits both alike.
  const sshTimes: number[] = [];
  const localTimes: number[] = [];
  for (let round = 0; round < 4; round++) {
    sshTimes.push(...(await sample(CALLS / 4, () => listAndInspect(overSsh))));
    localTimes.push(...(await sample(CALLS / 4, () => listAndInspect(local))));
  }
  client.end();

  // The docker CLI over ssh://, with its own ssh config in a throwaway HOME.
  const home = mkdtempSync(path.join(os.tmpdir(), 'homeport-bench-'));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(
    path.join(home, '.ssh', 'config'),
    `Host ${lab.ssh.host}\n  Port ${lab.ssh.port}\n  User root\n  IdentityFile ${lab.keys.plain}\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n  UserKnownHostsFile ${home}/.ssh/known_hosts\n`,
    { mode: 0o600 },
  );
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${lab.ssh.host}]:${lab.ssh.port} ${lab.ssh.hostPublicKey}\n`);
  // OpenSSH reads ~/.ssh/config from the passwd entry, not $HOME: the CLI's `ssh` is a wrapper
  // that names the bench's config file.
  mkdirSync(path.join(home, 'bin'));
  writeFileSync(path.join(home, 'bin', 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${home}/.ssh/config "$@"\n`, { mode: 0o755 });
  const env = {
    ...process.env,
    HOME: home,
    PATH: `${home}/bin:${process.env.PATH}`,
    DOCKER_HOST: `ssh://root@${lab.ssh.host}:${lab.ssh.port}`,
    SSH_AUTH_SOCK: '',
  };
  const first = (await run('docker', ['ps', '-aq'], { env })).stdout.split('\n')[0]!;
  const cliTimes = await sample(CLI_CALLS, async () => {
    await run('docker', ['ps', '-a'], { env });
    await run('docker', ['inspect', first], { env });
  });
  rmSync(home, { recursive: true, force: true });

  const ssh = median(sshTimes);
  const sock = median(localTimes);
  const cli = median(cliTimes);
  const result = {
    bench: 'ssh',
    transport,
    calls: CALLS,
    cliCalls: CLI_CALLS,
    sshMedianMs: round(ssh),
    localSocketMedianMs: round(sock),
    cliMedianMs: round(cli),
    sshVsLocalRatio: round(ssh / sock),
    cliVsSshRatio: round(cli / ssh),
    goals: { sshVsLocalAtMost: 1.3, cliVsSshAtLeast: 50 },
  };
  console.log(`over SSH ${result.sshMedianMs} ms, local socket ${result.localSocketMedianMs} ms, CLI ${result.cliMedianMs} ms (median of list + inspect)`);
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
