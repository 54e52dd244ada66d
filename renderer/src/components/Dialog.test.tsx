// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

afterEach(cleanup);

function Harness({ onOuterClose, onInnerClose }: { onOuterClose(): void; onInnerClose(): void }) {
  const [inner, setInner] = useState(false);
  return (
    <>
      <button type="button">opener</button>
      <Dialog title="Outer" onClose={onOuterClose}>
        <input aria-label="first" />
        <button type="button" onClick={() => setInner(true)}>
          open inner
        </button>
        {inner && (
          <Dialog
            title="Inner"
            onClose={() => {
              onInnerClose();
              setInner(false);
            }}
          >
            <button type="button">inner only</button>
          </Dialog>
        )}
      </Dialog>
    </>
  );
}

describe('Dialog', () => {
  it('focuses the first field, keeps Tab inside, and closes on Escape', () => {
    const onClose = vi.fn();
    render(
      <Dialog title="Edit" onClose={onClose}>
        <input aria-label="a" />
        <button type="button">b</button>
      </Dialog>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const a = screen.getByLabelText('a');
    expect(document.activeElement).toBe(a);
    // Shift+Tab from the first control wraps to the last one (the header's Close comes first).
    const close = screen.getByRole('button', { name: 'Close' });
    close.focus();
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'b' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('Escape closes only the innermost of nested dialogs', () => {
    const outer = vi.fn();
    const inner = vi.fn();
    render(<Harness onOuterClose={outer} onInnerClose={inner} />);
    fireEvent.click(screen.getByRole('button', { name: 'open inner' }));
    const innerDialog = screen.getByRole('dialog', { name: 'Inner' });
    expect(innerDialog.contains(document.activeElement)).toBe(true);
    // The outer dialog is inert while the inner one is open.
    expect(screen.getByRole('dialog', { name: 'Outer' }).closest('[inert]')).not.toBeNull();
    fireEvent.keyDown(screen.getByRole('button', { name: 'inner only' }), { key: 'Escape' });
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });

  it('submitting a dialog opened from another one submits only the inner one', () => {
    const outer = vi.fn();
    const inner = vi.fn();
    render(
      <Dialog title="Outer" onClose={() => {}} onSubmit={outer}>
        <input aria-label="outer field" />
        <Dialog title="Inner" onClose={() => {}} onSubmit={inner}>
          <button type="submit">Confirm</button>
        </Dialog>
      </Dialog>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });
});
