// Lint enforces the layering of DESIGN.md alongside the per-folder tsconfig settings:
//   shared ← electron/services ← electron/{main,server,preload};  shared ← renderer.
import tseslint from 'typescript-eslint';

const outsideShared = ['**/electron/**', '**/renderer/**', '../electron', '../renderer'];
const electronModules = ['electron', 'electron/*', 'electron-store', '@electron/*'];
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.cache/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: restrict([...outsideShared, ...electronModules, ...nodeBuiltins], 'shared/ imports nothing from other folders, Node or Electron (DESIGN.md layering).'),
  },
  {
    files: ['electron/services/**/*.ts'],
    rules: restrict([...electronModules, '**/renderer/**', '../main/*', '../../main/*', '**/electron/main/**', '**/electron/server/**', '**/electron/preload/**'], 'services never import Electron, the shell or the renderer (DESIGN.md layering).'),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: restrict([...electronModules, ...nodeBuiltins, '**/electron/**', '../electron', '../../electron'], 'the renderer imports only shared/ and talks to the bridge (DESIGN.md layering).'),
  },
  {
    // Renderer tests run under Node (a real WebSocket server in ws-bridge.test.ts) but still never reach main-process code.
    files: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: restrict([...electronModules, '**/electron/**', '../electron', '../../electron'], 'renderer tests exercise the renderer through the bridge only (DESIGN.md layering).'),
  },
  {
    files: ['electron/server/**/*.ts'],
    rules: restrict([...electronModules, '**/renderer/**', '**/electron/main/**', '../main/*'], 'headless mode runs without Electron: the server never imports it or the shell (DESIGN.md layering).'),
  },
  {
    // Only the IPC module and the preload touch raw IPC (Heroic / VS Code habit).
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Use electron/main/ipc.ts, which checks senders and validates input.' }] }],
    },
  },
);
