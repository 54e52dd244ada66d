import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { MAX_TERMINAL_INPUT_CHARS, type ErrorInfo, type HostId } from '../../../shared/contract';
import { openStream } from '../api/open-stream';
import { copyText } from './clipboard';
import { ErrorMessage } from './ErrorMessage';
import { Spinner } from './Spinner';

/** What a terminal connects to: a shell in a container, or a shell on the host itself. */
export type TerminalTarget = { kind: 'container.exec'; hostId: HostId; containerId: string } | { kind: 'host.shell'; hostId: HostId };

/** `cutOff`: the session had opened (the connection to the host or to Homeport dropped), as opposed to one that never could. */
type Phase = { kind: 'connecting' } | { kind: 'open' } | { kind: 'ended' } | { kind: 'failed'; error: ErrorInfo; cutOff: boolean };

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const COPY_KEYS = IS_MAC ? '⌘C' : 'Ctrl+Shift+C';
export const PASTE_KEYS = IS_MAC ? '⌘V' : 'Ctrl+Shift+V';

/** The terminal's colours, from the app's own palette (xterm needs concrete values, not CSS variables). */
function theme(): ITheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: '#101216',
    foreground: v('--text', '#e2e5e9'),
    cursor: v('--accent-strong', '#5aa3ea'),
    cursorAccent: '#101216',
    selectionBackground: 'rgba(90, 163, 234, 0.35)',
    black: '#1f2228',
    red: '#ee5d52',
    green: '#3fb26b',
    yellow: '#d6a338',
    blue: '#3d8fe0',
    magenta: '#c678dd',
    cyan: '#56b6c2',
    white: '#d0d4da',
    brightBlack: '#6b737d',
    brightRed: '#ff7b72',
    brightGreen: '#56d364',
    brightYellow: '#e3b341',
    brightBlue: '#79c0ff',
    brightMagenta: '#d2a8ff',
    brightCyan: '#76e3ea',
    brightWhite: '#ffffff',
  };
}

/** Typed or pasted text in pieces the contract accepts, never splitting a surrogate pair. */
export function splitInput(data: string, max = MAX_TERMINAL_INPUT_CHARS): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < data.length) {
    let end = Math.min(data.length, i + max);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(data.slice(i, end));
    i = end;
  }
  return pieces;
}

/**
 * An interactive terminal (xterm.js) on a `container.exec` or `host.shell` stream: keystrokes go
 * out as the stream's input, output comes in as its data, the terminal follows the size of
 * its box (FitAddon on a ResizeObserver) and tells the shell. Copy and paste are
 * Ctrl+Shift+C / Ctrl+Shift+V (⌘C / ⌘V on macOS), since Ctrl+C belongs to the shell. Paste uses
 * the browser's own paste event, so it needs no clipboard-read permission (Electron denies it).
 */
export function Terminal({ target, label }: { target: TerminalTarget; label: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<{ term: XTerm; fit: FitAddon } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [session, setSession] = useState(0);
  const targetKey = target.kind === 'container.exec' ? `${target.kind}/${target.hostId}/${target.containerId}` : `${target.kind}/${target.hostId}`;

  // The xterm instance lives as long as the component; each session (Reconnect) reuses it.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const term = new XTerm({
      cursorBlink: true,
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: theme(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box);
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet (hidden, or a test DOM without layout): the next resize fits it
      }
    };
    refit();
    let frame = 0;
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(refit);
    });
    observer?.observe(box);
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      const key = e.key.toLowerCase();
      const copy = IS_MAC ? e.metaKey && !e.ctrlKey && key === 'c' : e.ctrlKey && e.shiftKey && !e.altKey && e.code === 'KeyC';
      const paste = IS_MAC ? e.metaKey && !e.ctrlKey && key === 'v' : e.ctrlKey && e.shiftKey && !e.altKey && e.code === 'KeyV';
      if (copy) {
        e.preventDefault();
        if (term.hasSelection()) void copyText(term.getSelection());
        return false;
      }
      // Not sent to the shell as ^V: the browser's paste command fires a paste event, which xterm
      // turns into input (bracketed if the shell asked for it).
      if (paste) return false;
      return true;
    });
    termRef.current = { term, fit };
    return () => {
      cancelAnimationFrame(frame);
      observer?.disconnect();
      termRef.current = null;
      term.dispose();
    };
  }, []);

  // One session: open the stream at the terminal's size, pipe both ways, close it on the way out.
  useEffect(() => {
    const t = termRef.current;
    if (!t) return;
    const { term } = t;
    setPhase({ kind: 'connecting' });
    if (session > 0) term.reset();

    const size = { cols: term.cols, rows: term.rows };
    let opened = false;
    const handlers = {
      onOpen: () => {
        opened = true;
        setPhase({ kind: 'open' });
        term.focus();
        // The box may have changed size while the session was opening.
        if (term.cols !== size.cols || term.rows !== size.rows) stream.send({ type: 'resize', cols: term.cols, rows: term.rows });
      },
      onData: (data: string) => term.write(data),
      onEnd: (error: ErrorInfo | null) => setPhase(error ? { kind: 'failed', error, cutOff: opened } : { kind: 'ended' }),
    };
    const stream =
      target.kind === 'container.exec'
        ? openStream('container.exec', { hostId: target.hostId, containerId: target.containerId, ...size }, handlers)
        : openStream('host.shell', { hostId: target.hostId, ...size }, handlers);
    // Input before the session is open, or after it ended, is refused by the stream (not kept).
    const typing = term.onData((d) => splitInput(d).forEach((piece) => stream.send({ type: 'data', data: piece })));
    const resizing = term.onResize(({ cols, rows }) => stream.send({ type: 'resize', cols, rows }));
    return () => {
      typing.dispose();
      resizing.dispose();
      stream.close();
    };
  }, [session, targetKey]); // targetKey names the target

  const reconnect = () => setSession((n) => n + 1);
  return (
    <div className="terminal" data-testid="terminal" data-phase={phase.kind}>
      <div className="terminal-bar">
        <span className="terminal-status" role="status">
          {phase.kind === 'connecting' && (
            <>
              <Spinner /> Connecting…
            </>
          )}
          {phase.kind === 'open' && (
            <>
              <span className="terminal-dot" aria-hidden="true" /> {label}
            </>
          )}
          {phase.kind === 'ended' && <>Session ended</>}
          {phase.kind === 'failed' && <>Not connected</>}
        </span>
        <span className="terminal-hint muted">
          Copy {COPY_KEYS} · Paste {PASTE_KEYS}
        </span>
        {(phase.kind === 'ended' || phase.kind === 'failed') && (
          <button type="button" className="button button-small" onClick={reconnect}>
            Reconnect
          </button>
        )}
      </div>
      {phase.kind === 'failed' && <ErrorMessage error={phase.error} title={phase.cutOff ? 'The terminal was cut off' : 'The terminal could not connect'} />}
      <div className="terminal-box" ref={boxRef} onClick={() => termRef.current?.term.focus()} />
    </div>
  );
}
