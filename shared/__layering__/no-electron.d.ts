// Layering (README, Layout): shared/ imports nothing from Node, Electron or the other folders. This folder's tsconfig
// maps 'electron' to this empty module, so `import { app } from 'electron'` fails to compile here.
export {};
