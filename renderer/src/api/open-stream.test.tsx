// @vitest-environment happy-dom
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, StreamId, type ErrorInfo, type HostId, type LogBatchInfo } from '../../../shared/contract';
import { EnvelopeError, MemoryBridge } from '../test-support/memory-bridge';
import { installClient } from './client';
import { CONNECTION_LOST, endStreamsOfLostConnection, isConnectionLost, openStream, useStream, type StreamHandlers } from './open-stream';

// The stream client over an in-memory bridge: what a feature sees when the services answer
// `streams.open`, send events, end or refuse a stream.

const HOST = 'h_0123456789abcdef' as HostId;
const S1 = StreamId('s_stream0001');
const S2 = StreamId('s_stream0002');

/** An open that answers only when the test says so. */
function gate() {
  let answer!: (v: { streamId: StreamId }) => void;
  let refuse!: (e: ErrorInfo) => void;
  const promise = new Promise<{ streamId: StreamId }>((res, rej) => {
    answer = res;
    refuse = (e) => rej(new EnvelopeError(e));
  });
  return { promise, answer, refuse };
}

let bridge: MemoryBridge;
let c: ReturnType<typeof createClient>;
beforeEach(() => {
  bridge = new MemoryBridge({ 'streams.close': () => undefined, 'streams.send': () => undefined });
  c = createClient(bridge);
  installClient(c);
});
afterEach(() => installClient(null));

function recorder<K extends 'container.logs' | 'host.shell'>() {
  const seen: string[] = [];
  const handlers: StreamHandlers<K> = {
    onData: (d) => seen.push(`data ${JSON.stringify(d)}`),
    onEnd: (e) => seen.push(`end ${e ? e.code : 'ok'}`),
    onOpen: (id) => seen.push(`open ${id}`),
  };
  return { seen, handlers };
}
const batch = (text: string): LogBatchInfo => ({ lines: [{ stream: 'stdout', text }] });
const logs = { hostId: HOST, containerId: 'c1', tail: 10, since: null, timestamps: true, follow: true } as const;
const flush = () => act(async () => {});

describe('openStream', () => {
  it('opens the kind with its parameters, and delivers its data and end in order (not other streams’)', async () => {
    bridge.handlers['streams.open'] = () => ({ streamId: S1 });
    const { seen, handlers } = recorder<'container.logs'>();
    openStream('container.logs', logs, handlers);
    await flush();
    expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'container.logs', ...logs }]);
    bridge.emit('stream.data', { streamId: S1, data: batch('a') });
    bridge.emit('stream.data', { streamId: S2, data: batch('not mine') });
    bridge.emit('stream.end', { streamId: S1, error: null });
    bridge.emit('stream.data', { streamId: S1, data: batch('after the end') });
    expect(seen).toEqual([`open ${S1}`, `data ${JSON.stringify(batch('a'))}`, 'end ok']);
    expect(bridge.callsOf('streams.close')).toEqual([]);
  });

  it('holds data and an end that arrive before the open answers, and delivers them after onOpen', async () => {
    const g = gate();
    bridge.handlers['streams.open'] = () => g.promise;
    const { seen, handlers } = recorder<'container.logs'>();
    openStream('container.logs', logs, handlers);
    await flush();
    bridge.emit('stream.data', { streamId: S1, data: batch('early') });
    bridge.emit('stream.data', { streamId: S2, data: batch('someone else’s') });
    bridge.emit('stream.end', { streamId: S1, error: { code: 'NOT_FOUND', message: 'gone' } });
    expect(seen).toEqual([]);
    g.answer({ streamId: S1 });
    await flush();
    expect(seen).toEqual([`open ${S1}`, `data ${JSON.stringify(batch('early'))}`, 'end NOT_FOUND']);
  });

  it('closed before the open answers: closes the stream as soon as its id is known, and tells nothing', async () => {
    const g = gate();
    bridge.handlers['streams.open'] = () => g.promise;
    const { seen, handlers } = recorder<'container.logs'>();
    const h = openStream('container.logs', logs, handlers);
    h.close();
    h.close();
    await flush();
    expect(bridge.callsOf('streams.close')).toEqual([]);
    bridge.emit('stream.data', { streamId: S1, data: batch('early') });
    g.answer({ streamId: S1 });
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: S1 }]));
    bridge.emit('stream.data', { streamId: S1, data: batch('late') });
    bridge.emit('stream.end', { streamId: S1, error: null });
    expect(seen).toEqual([]);
  });

  it('close() after the open closes it once; after the stream ended it closes nothing', async () => {
    bridge.handlers['streams.open'] = () => ({ streamId: S1 });
    const a = recorder<'container.logs'>();
    const h = openStream('container.logs', logs, a.handlers);
    await flush();
    h.close();
    h.close();
    bridge.emit('stream.data', { streamId: S1, data: batch('after close') });
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: S1 }]));
    expect(a.seen).toEqual([`open ${S1}`]);

    bridge.handlers['streams.open'] = () => ({ streamId: S2 });
    const b = recorder<'container.logs'>();
    const ended = openStream('container.logs', logs, b.handlers);
    await flush();
    bridge.emit('stream.end', { streamId: S2, error: null });
    ended.close();
    await flush();
    expect(bridge.callsOf('streams.close')).toEqual([{ streamId: S1 }]);
    expect(b.seen).toEqual([`open ${S2}`, 'end ok']);
  });

  it('a refused open goes to onError, else to onEnd, with the services’ words', async () => {
    const refusal = { code: 'DISCONNECTED', message: 'lab is not connected.', fix: 'Connect it first.' } as const;
    bridge.handlers['streams.open'] = () => {
      throw new EnvelopeError(refusal);
    };
    const a = recorder<'container.logs'>();
    const errors: ErrorInfo[] = [];
    openStream('container.logs', logs, { ...a.handlers, onError: (e) => errors.push(e) });
    const b = recorder<'container.logs'>();
    openStream('container.logs', logs, b.handlers);
    await flush();
    expect(errors).toEqual([refusal]);
    expect(a.seen).toEqual([]);
    expect(b.seen).toEqual(['end DISCONNECTED']);
  });

  it('refuses input until the stream is open and after it ended; sends it while open', async () => {
    const g = gate();
    bridge.handlers['streams.open'] = () => g.promise;
    const { handlers } = recorder<'host.shell'>();
    const h = openStream('host.shell', { hostId: HOST, cols: 80, rows: 24 }, handlers);
    expect(h.send({ type: 'data', data: 'ls\r' })).toBe(false);
    g.answer({ streamId: S1 });
    await flush();
    expect(h.send({ type: 'resize', cols: 100, rows: 30 })).toBe(true);
    bridge.emit('stream.end', { streamId: S1, error: null });
    expect(h.send({ type: 'data', data: 'exit\r' })).toBe(false);
    await flush();
    expect(bridge.callsOf('streams.send')).toEqual([{ streamId: S1, data: { type: 'resize', cols: 100, rows: 30 } }]);
  });

  it('two streams opened at once each get their own events, whichever answers first', async () => {
    const g1 = gate();
    const g2 = gate();
    const gates = [g1, g2];
    bridge.handlers['streams.open'] = () => gates.shift()!.promise;
    const a = recorder<'container.logs'>();
    const b = recorder<'container.logs'>();
    openStream('container.logs', logs, a.handlers);
    openStream('container.logs', { ...logs, containerId: 'c2' }, b.handlers);
    await flush();
    bridge.emit('stream.data', { streamId: S1, data: batch('one') });
    bridge.emit('stream.data', { streamId: S2, data: batch('two') });
    g2.answer({ streamId: S2 });
    await flush();
    expect(b.seen).toEqual([`open ${S2}`, `data ${JSON.stringify(batch('two'))}`]);
    g1.answer({ streamId: S1 });
    await flush();
    expect(a.seen).toEqual([`open ${S1}`, `data ${JSON.stringify(batch('one'))}`]);
  });
});

describe('a dropped connection to the services', () => {
  it('ends every open stream with CONNECTION_LOST; a closed one is not told, and streams opened afterwards go on', async () => {
    let n = 0;
    bridge.handlers['streams.open'] = () => ({ streamId: [S1, S2, StreamId('s_stream0003')][n++]! });
    const a = recorder<'container.logs'>();
    const b = recorder<'container.logs'>();
    openStream('container.logs', logs, a.handlers);
    const closed = openStream('container.logs', logs, b.handlers);
    await flush();
    closed.close();
    endStreamsOfLostConnection(c);
    expect(a.seen).toEqual([`open ${S1}`, 'end DISCONNECTED']);
    expect(b.seen).toEqual([`open ${S2}`]);
    // Whatever still comes for the old ids is nobody's.
    bridge.emit('stream.data', { streamId: S1, data: batch('late') });
    const after = recorder<'container.logs'>();
    const ends: Array<ErrorInfo | null> = [];
    openStream('container.logs', logs, { ...after.handlers, onEnd: (e) => ends.push(e) });
    await flush();
    bridge.emit('stream.data', { streamId: StreamId('s_stream0003'), data: batch('new') });
    expect(after.seen).toEqual(['open s_stream0003', `data ${JSON.stringify(batch('new'))}`]);
    expect(ends).toEqual([]);
    expect(a.seen).toHaveLength(2);
  });

  it('says what happened and what to do, and marks it so views can carry on by themselves', async () => {
    bridge.handlers['streams.open'] = () => ({ streamId: S1 });
    const ends: Array<ErrorInfo | null> = [];
    openStream('container.logs', logs, { onData: () => {}, onEnd: (e) => ends.push(e) });
    await flush();
    endStreamsOfLostConnection(c);
    expect(ends).toEqual([CONNECTION_LOST]);
    expect(CONNECTION_LOST).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/connection to Homeport was lost/), fix: expect.stringMatching(/reconnects by itself/) });
    expect(isConnectionLost(ends[0])).toBe(true);
    expect(isConnectionLost({ code: 'DISCONNECTED', message: 'The host is not connected.' })).toBe(false);
    expect(isConnectionLost(null)).toBe(false);
  });

  it('an open under way when the connection drops is refused with CONNECTION_LOST, not a bare transport error', async () => {
    let fail!: (e: Error) => void;
    // The transport rejects the call when its socket goes (the client turns that into DISCONNECTED).
    bridge.invoke = (method) => (method === 'streams.open' ? new Promise((_, rej) => (fail = rej)) : Promise.resolve({ ok: true, value: null }));
    const errors: ErrorInfo[] = [];
    openStream('container.logs', logs, { onData: () => {}, onEnd: () => {}, onError: (e) => errors.push(e) });
    await flush();
    endStreamsOfLostConnection(c);
    fail(new Error('connection to Homeport closed'));
    await flush();
    expect(errors).toEqual([CONNECTION_LOST]);
    // A refusal with no drop in between is the services' own answer, as before.
    let refuse!: (e: Error) => void;
    bridge.invoke = () => new Promise((_, rej) => (refuse = rej));
    openStream('container.logs', logs, { onData: () => {}, onEnd: () => {}, onError: (e) => errors.push(e) });
    await flush();
    refuse(new Error('bridge closed'));
    await flush();
    expect(errors[1]).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/^Lost contact with Homeport's services/) });
  });
});

describe('useStream', () => {
  it('opens when given parameters, not for null; reopens only when they change in value; closes on unmount', async () => {
    let n = 0;
    bridge.handlers['streams.open'] = () => ({ streamId: StreamId(`s_stream000${++n}`) });
    const seen: string[] = [];
    const { rerender, unmount } = renderHook(({ params, tag }: { params: { hostId: HostId } | null; tag: string }) =>
      useStream('engine.events', params, { onData: (e) => seen.push(`${tag} ${e.action}`), onEnd: () => seen.push(`${tag} end`) }),
    { initialProps: { params: null as { hostId: HostId } | null, tag: 'first' } });
    await flush();
    expect(bridge.callsOf('streams.open')).toEqual([]);

    rerender({ params: { hostId: HOST }, tag: 'first' });
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'engine.events', hostId: HOST }]));
    // A new object with the same contents, and new handlers: the same stream, the new handlers.
    rerender({ params: { hostId: HOST }, tag: 'second' });
    await flush();
    bridge.emit('stream.data', { streamId: StreamId('s_stream0001'), data: { action: 'start' } as never });
    expect(seen).toEqual(['second start']);
    expect(bridge.callsOf('streams.open')).toHaveLength(1);

    const other = 'h_fedcba9876543210' as HostId;
    rerender({ params: { hostId: other }, tag: 'second' });
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'engine.events', hostId: HOST }, { kind: 'engine.events', hostId: other }]));
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: 's_stream0001' }]));

    unmount();
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: 's_stream0001' }, { streamId: 's_stream0002' }]));
    expect(seen).toEqual(['second start']);
  });

  it('sends to the stream open now', async () => {
    bridge.handlers['streams.open'] = () => ({ streamId: S1 });
    const opened: StreamId[] = [];
    const { result } = renderHook(() => useStream('host.shell', { hostId: HOST, cols: 80, rows: 24 }, { onData: () => {}, onEnd: () => {}, onOpen: (id) => opened.push(id) }));
    expect(result.current.send({ type: 'data', data: 'x' })).toBe(false);
    await waitFor(() => expect(opened).toEqual([S1]));
    expect(result.current.send({ type: 'data', data: 'x' })).toBe(true);
    await waitFor(() => expect(bridge.callsOf('streams.send')).toEqual([{ streamId: S1, data: { type: 'data', data: 'x' } }]));
  });
});
