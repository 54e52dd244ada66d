import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter';
import type { Logger } from './platform';

interface Events {
  changed: string[];
  ready: void;
}

function recordingLogger(): Logger & { lines: Array<{ message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const log = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, ...(fields ? { fields } : {}) });
  return { lines, info: log, warn: log, error: log };
}

describe('Emitter', () => {
  it('tells each listener of an event its payload, until it unsubscribes', () => {
    const e = new Emitter<Events>(recordingLogger(), 'hosts');
    const heard: string[][] = [];
    let ready = 0;
    const off = e.on('changed', (list) => heard.push(list));
    e.on('ready', () => ready++);
    e.emit('changed', ['a']);
    e.emit('ready');
    off();
    e.emit('changed', ['b']);
    expect(heard).toEqual([['a']]);
    expect(ready).toBe(1);
    expect(e.has('changed')).toBe(false);
    expect(e.has('ready')).toBe(true);
  });

  it('logs a listener that throws and still tells the others; the emitter carries on', () => {
    const logger = recordingLogger();
    const e = new Emitter<Events>(logger, 'hosts');
    const heard: string[] = [];
    e.on('changed', () => {
      throw new Error('listener broke');
    });
    e.on('changed', (list) => heard.push(...list));
    expect(() => e.emit('changed', ['a'])).not.toThrow();
    expect(heard).toEqual(['a']);
    expect(logger.lines).toEqual([{ message: 'hosts: a listener threw', fields: { event: 'changed', error: 'listener broke' } }]);
  });

  it('tells every listener that was there when the event came, even if one unsubscribes another', () => {
    const e = new Emitter<Events>(recordingLogger(), 'hosts');
    const heard: string[] = [];
    let offSecond = () => {};
    e.on('ready', () => {
      heard.push('first');
      offSecond();
    });
    offSecond = e.on('ready', () => heard.push('second'));
    e.emit('ready');
    e.emit('ready');
    expect(heard).toEqual(['first', 'second', 'first']);
  });

  it('forgets every listener on clear', () => {
    const e = new Emitter<Events>(recordingLogger(), 'hosts');
    let n = 0;
    e.on('ready', () => n++);
    e.clear();
    e.emit('ready');
    expect(n).toBe(0);
  });
});
