import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One config for the three builds (main with the headless server, preload, renderer). Outputs:
//   out/main/index.js      Electron main (ESM, since package.json has "type": "module")
//   out/main/server.js     headless mode, plain Node: `node out/main/server.js` (never imports electron)
//   out/preload/index.cjs  the sandboxed preload (CommonJS: a sandboxed preload cannot be an ES module)
//   out/renderer/          the UI, also served by headless mode
const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // `dependencies` stay external (loaded from node_modules at run time); electron and Node's
      // built-ins are always external. Shared code of the two entries goes to out/main/chunks/.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          server: resolve(root, 'electron/server/cli.ts'),
        },
        output: { chunkFileNames: 'chunks/shared-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // The sandboxed preload can `require` only electron, events, timers and url: zod and
      // shared/ must be bundled into it, so nothing is left external but electron itself.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    // Relative asset URLs: the same build loads from app://homeport/ (Electron) and from http (headless).
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
