import { useSyncExternalStore } from 'react';

// Open dialogs, innermost last. Only the top one takes keys and focus; the others (and the app
// behind them) are made inert.
let stack: readonly number[] = [];
const listeners = new Set<() => void>();
let nextId = 1;

function emit() {
  for (const l of listeners) l();
}

export function pushDialog(): number {
  const id = nextId++;
  stack = [...stack, id];
  emit();
  return id;
}

export function popDialog(id: number): void {
  stack = stack.filter((d) => d !== id);
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => void listeners.delete(l);
}

export function useDialogStack(): readonly number[] {
  return useSyncExternalStore(subscribe, () => stack);
}

export function useAnyDialogOpen(): boolean {
  return useDialogStack().length > 0;
}
