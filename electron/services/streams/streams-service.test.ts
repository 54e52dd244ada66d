import { describe, expect, it } from 'vitest';
import { HomeportError, STREAM_KINDS, type HostId, type StreamId, type TerminalInput } from '../../../shared/contract';
import { createConsoleLogger } from '../platform/logger';
import { StreamsService, type StreamStarters } from './streams-service';

// The stream manager on its own: starters the test controls stand in for the real kinds (which
// are proven against the lab in containers/terminals.integration.test.ts).

function harness(opts: { maxPerClient?: number } = {}) {
  const received: TerminalInput[] = [];
  let stops = 0;
  const refuse = () => {
    throw new HomeportError({ code: 'DISCONNECTED', message: 'not in this test' });
  };
  // Every other kind refuses to start: only these two are exercised here.
  const starters = {
    ...(Object.fromEntries(STREAM_KINDS.map((k) => [k, refuse])) as unknown as StreamStarters),
    'engine.events': () => () => void stops++,
    'container.exec': async () => ({ stop: () => void stops++, receive: (i: TerminalInput) => void received.push(i) }),
  } satisfies StreamStarters;
  const m = new StreamsService(starters, createConsoleLogger('test'), opts);
  return { m, received, stops: () => stops };
}

const c1 = { clientId: 'c1' };
const c2 = { clientId: 'c2' };
const hostId = 'h_test1' as HostId;
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as HomeportError;
  }
  throw new Error('expected a rejection');
};

describe('StreamsService.send', () => {
  it('passes valid input to the stream that takes it', async () => {
    const h = harness();
    const { streamId } = await h.m.open({ kind: 'container.exec', hostId, containerId: 'web', cols: 80, rows: 24 }, c1);
    await h.m.send({ streamId, data: { type: 'data', data: 'ls\r' } }, c1);
    await h.m.send({ streamId, data: { type: 'resize', cols: 132, rows: 43 } }, c1);
    expect(h.received).toEqual([
      { type: 'data', data: 'ls\r' },
      { type: 'resize', cols: 132, rows: 43 },
    ]);
  });

  it('refuses another client, as if the stream did not exist', async () => {
    const h = harness();
    const { streamId } = await h.m.open({ kind: 'container.exec', hostId, containerId: 'web', cols: 80, rows: 24 }, c1);
    const e = await errorOf(h.m.send({ streamId, data: { type: 'data', data: 'rm -rf /\r' } }, c2));
    expect(e).toMatchObject({ code: 'NOT_FOUND', message: `No open stream ${streamId}.` });
    expect(h.received).toEqual([]);
    // …and may not close it either.
    expect(await errorOf(h.m.close({ streamId }, c2))).toMatchObject({ code: 'NOT_FOUND' });
    expect(h.stops()).toBe(0);
  });

  it('refuses an unknown or closed stream', async () => {
    const h = harness();
    expect(await errorOf(h.m.send({ streamId: 's_nosuchstream' as StreamId, data: { type: 'data', data: 'x' } }, c1))).toMatchObject({ code: 'NOT_FOUND' });
    const { streamId } = await h.m.open({ kind: 'container.exec', hostId, containerId: 'web', cols: 80, rows: 24 }, c1);
    await h.m.close({ streamId }, c1);
    expect(h.stops()).toBe(1);
    expect(await errorOf(h.m.send({ streamId, data: { type: 'data', data: 'x' } }, c1))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses input a kind does not take, naming the kind', async () => {
    const h = harness();
    const { streamId } = await h.m.open({ kind: 'engine.events', hostId }, c1);
    const e = await errorOf(h.m.send({ streamId, data: { type: 'data', data: 'x' } }, c1));
    expect(e).toMatchObject({ code: 'VALIDATION', message: 'Could not send the input: only a terminal takes typed input, and this is a stream to follow the engine’s events.' });
  });

  it.each([
    [{ type: 'data', data: '' }, /data/],
    [{ type: 'data', data: 'x'.repeat(64 * 1024 + 1) }, /data/],
    [{ type: 'data', data: 42 }, /data/],
    [{ type: 'resize', cols: 0, rows: 24 }, /cols/],
    [{ type: 'resize', cols: 80, rows: 1.5 }, /rows/],
    [{ type: 'paste', data: 'x' }, /type/],
    ['ls', /^$/],
    [null, /^$/],
  ])('refuses invalid terminal input %j with a clear error', async (data, field) => {
    const h = harness();
    const { streamId } = await h.m.open({ kind: 'container.exec', hostId, containerId: 'web', cols: 80, rows: 24 }, c1);
    const e = await errorOf(h.m.send({ streamId, data }, c1));
    expect(e.code).toBe('VALIDATION');
    // The terminal sends this input, not the user: it is told as a bug, in words, without the
    // stream's internal name; the refused field is in the details for a report.
    expect(e.message).toBe('Could not send the input to the terminal: Homeport’s window sent a request its services refuse.');
    expect(e.message).not.toMatch(/container\.exec|Invalid input/);
    expect(String(e.details?.field ?? '')).toMatch(field);
    expect(e.fix).toMatch(/bug in Homeport/);
    expect(h.received).toEqual([]);
  });

  it('closes the streams of a client that went away, and only those', async () => {
    const h = harness();
    await h.m.open({ kind: 'container.exec', hostId, containerId: 'a', cols: 80, rows: 24 }, c1);
    const other = await h.m.open({ kind: 'container.exec', hostId, containerId: 'b', cols: 80, rows: 24 }, c2);
    h.m.clientGone('c1');
    expect(h.stops()).toBe(1);
    await h.m.send({ streamId: other.streamId, data: { type: 'data', data: 'still here' } }, c2);
    expect(h.received).toEqual([{ type: 'data', data: 'still here' }]);
  });
});

describe('StreamsService limits', () => {
  it('refuses more than maxPerClient streams from one client, with a clear LIMIT error; others are not affected', async () => {
    const h = harness({ maxPerClient: 3 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await h.m.open({ kind: 'engine.events', hostId }, c1)).streamId);
    const e = await errorOf(h.m.open({ kind: 'engine.events', hostId }, c1));
    expect(e).toMatchObject({ code: 'LIMIT', message: expect.stringContaining('already has 3 live views open') });
    expect(e.fix).toMatch(/Close some of them/);
    expect((await h.m.open({ kind: 'engine.events', hostId }, c2)).streamId).toBeTruthy();
    // Closing one makes room again.
    await h.m.close({ streamId: ids[0]! }, c1);
    expect((await h.m.open({ kind: 'engine.events', hostId }, c1)).streamId).toBeTruthy();
  });
});
