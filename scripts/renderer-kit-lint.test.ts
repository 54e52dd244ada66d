import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves the renderer's shared mechanisms are held by the linter, not by review: code that listens
// to `stream.*` events or calls `streams.*` outside renderer/src/api/open-stream.ts fails, and so
// does a feature's dialog with its own submit handler or a bare <form>.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file: string, rule = 'homeport-streams/client-only'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
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

const handWrittenForm = `import { Dialog } from '../../components/Dialog';
export function AddThing({ onClose }: { onClose(): void }) {
  return (
    <>
      <Dialog title="Add thing" onClose={onClose} onSubmit={() => {}}>
        <input aria-label="Name" />
      </Dialog>
      <form onSubmit={(e) => e.preventDefault()}>
        <input aria-label="URL" />
      </form>
      <Dialog title="About" onClose={onClose}>
        <p>Not a form.</p>
      </Dialog>
    </>
  );
}
`;

describe('the form-dialog kit', { timeout: 60_000 }, () => {
  it('refuses a feature’s Dialog with onSubmit and a bare <form>', async () => {
    expect(await messages(handWrittenForm, 'renderer/src/features/hosts/FormProbe.tsx', 'homeport-forms/form-kit-only')).toEqual([
      'A dialog with a form is a FormDialog (renderer/src/components/FormDialog.tsx), not a Dialog with onSubmit.',
      'A form on a page is a Form (renderer/src/components/FormDialog.tsx), not a bare <form>.',
    ]);
  });

  it('allows them in the kit itself', async () => {
    expect(await messages(handWrittenForm, 'renderer/src/components/FormProbe.tsx', 'homeport-forms/form-kit-only')).toEqual([]);
  });
});
