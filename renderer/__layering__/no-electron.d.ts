// Layering (README, Layout): the renderer talks to the bridge only, never to Electron. This folder's tsconfig
// maps 'electron' to this empty module, so `import { app } from 'electron'` fails to compile here.
export {};
