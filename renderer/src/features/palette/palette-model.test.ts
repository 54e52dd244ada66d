import { describe, expect, it } from 'vitest';
import { rankCommands, scoreCommand, type Command } from './palette-model';

const cmd = (title: string, group: Command['group'] = 'Containers', extra: Partial<Command> = {}): Command => ({ id: title, title, group, run: () => undefined, ...extra });

describe('the palette ranking', () => {
  const commands = [
    cmd('Go to Images', 'Go to'),
    cmd('Open labweb_web_1', 'Containers', { hint: 'lab' }),
    cmd('Restart labweb_web_1', 'Containers', { hint: 'lab' }),
    cmd('Open labweb_worker_1', 'Containers', { hint: 'lab' }),
    cmd('Connect nas', 'Hosts'),
    cmd('Open nextcloud', 'Monitors', { keywords: 'https://cloud.lan' }),
  ];

  it('needs every word to match, in the title or its group, hint and keywords', () => {
    expect(rankCommands(commands, 'restart web').map((c) => c.title)).toEqual(['Restart labweb_web_1']);
    expect(rankCommands(commands, 'cloud.lan').map((c) => c.title)).toEqual(['Open nextcloud']);
    expect(rankCommands(commands, 'hosts nas').map((c) => c.title)).toEqual(['Connect nas']);
    expect(rankCommands(commands, 'zzz')).toEqual([]);
  });

  it('ranks word starts over substrings over letters in order, and shorter titles first', () => {
    expect(rankCommands(commands, 'worker').map((c) => c.title)[0]).toBe('Open labweb_worker_1');
    expect(rankCommands(commands, 'web_1').map((c) => c.title).slice(0, 2)).toEqual(['Open labweb_web_1', 'Restart labweb_web_1']);
    expect(scoreCommand(cmd('Images'), 'img')).toBeGreaterThan(0);
    expect(scoreCommand(cmd('Images'), 'ims')).toBeGreaterThan(0);
    expect(scoreCommand(cmd('Images'), 'smi')).toBe(0);
  });

  it('keeps the given order with no query', () => {
    expect(rankCommands(commands, '  ').map((c) => c.title)).toEqual(commands.map((c) => c.title));
  });
});
