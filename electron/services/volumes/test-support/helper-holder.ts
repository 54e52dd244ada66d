/**
 * For tests only, run as a process of its own (`node --import tsx helper-holder.ts <socket>
 * <volume> <image>`): makes a helper container the way Homeport does, prints its id, and holds it
 * — as a Homeport in the middle of a backup would — until the process is killed. Killing it is
 * what a crash of Homeport leaves on a host.
 */
import Docker from 'dockerode';
import { withHelper } from '../helper-containers';

async function main(): Promise<void> {
  const [socketPath, volume, image] = process.argv.slice(2);
  if (!socketPath || !volume || !image) throw new Error('usage: helper-holder.ts <socket> <volume> <image>');
  const docker = new Docker({ socketPath });
  await withHelper(docker, { volume, readOnly: true, purpose: 'backup', image }, async (c) => {
    process.stdout.write(`${c.id}\n`);
    // Held until killed (a pending promise alone would not keep the process alive).
    setInterval(() => {}, 60_000);
    await new Promise(() => {});
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
