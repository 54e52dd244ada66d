// Layering (README, Layout): services are plain Node and never import Electron. This folder's tsconfig
// maps 'electron' to this empty module, so `import { app } from 'electron'` fails to compile here.
export {};
