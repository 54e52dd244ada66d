/**
 * `node --import ./use-electron-stand-in.ts out/main/index.js`: resolves `electron` (which the
 * built bundle imports, and which is only a path to a binary outside Electron) to the recording
 * stand-in next to this file. Used by the smoke test of the built bundle only.
 */
import { registerHooks } from 'node:module';

const standIn = new URL('./electron-stand-in.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: standIn, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
