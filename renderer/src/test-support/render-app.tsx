import { cleanup, render, waitFor } from '@testing-library/react';
import { createClient } from '../../../shared/contract';
import { App } from '../App';
import { appStore, connectStore, resetStore } from '../store';
import { MemoryBridge, type Handlers } from './memory-bridge';

let disconnect: (() => void) | null = null;

/** Render the whole app over an in-memory bridge and wait for the first load. */
export async function renderApp(handlers: Handlers) {
  resetStore();
  const bridge = new MemoryBridge({
    'hosts.list': () => [],
    'keys.list': () => [],
    'containers.list': () => [],
    ...handlers,
  });
  disconnect = connectStore(createClient(bridge));
  const utils = render(<App />);
  await waitFor(() => {
    const s = appStore.getState();
    if (!s.hostsLoaded || !s.keysLoaded || !s.containersLoaded) throw new Error('still loading');
  });
  return { bridge, ...utils };
}

export function teardownApp() {
  cleanup();
  disconnect?.();
  disconnect = null;
  resetStore();
}
