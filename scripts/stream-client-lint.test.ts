import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves the renderer's one stream client is held by the linter, not by review: code that
// listens to `stream.*` events or calls `streams.*` outside renderer/src/api/open-stream.ts fails.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'homeport-streams/client-only').map((m) => m.message);
}

const handWritten = `import { client } from '../../api/client';
export function follow(hostId: string) {
  const off = client().on('stream.data', (p) => console.log(p));
  const offEnd = client().on(\`stream.end\`, () => off());
  void client().streams.open({ kind: 'engine.events', hostId } as never);
  void client().streams.close({ streamId: 'x' } as never);
  const s = client().streams;
  const { streams } = client();
  void s.send({ streamId: 'x', data: 'y' } as never);
  return [offEnd, streams];
}
`;

describe('one stream client', { timeout: 60_000 }, () => {
  it('refuses stream events and calls written by hand in a feature', async () => {
    const found = await messages(handWritten, 'renderer/src/features/hosts/stream-probe.ts');
    expect(found).toEqual([
      "Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not listen to 'stream.data' yourself.",
      "Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not listen to 'stream.end' yourself.",
      'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not call streams.open yourself.',
      'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not call streams.close yourself.',
      'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not take the streams service yourself.',
      'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not take the streams service yourself.',
    ]);
    expect(await messages(handWritten, 'renderer/src/components/StreamProbe.tsx')).toHaveLength(6);
  });

  it('allows them in the stream client itself, and other events anywhere', async () => {
    expect(await messages(handWritten, 'renderer/src/api/open-stream.ts')).toEqual([]);
    const other = `import { client } from '../../api/client';\nexport const off = client().on('monitors.changed', () => {});\n`;
    expect(await messages(other, 'renderer/src/features/monitors/probe.ts')).toEqual([]);
  });
});
