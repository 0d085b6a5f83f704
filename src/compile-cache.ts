import * as nodeModule from 'node:module';

// Imported first by main.ts. Node 22.1+ then keeps V8's compiled code of every module on disk
// (in the OS temp dir), so a restart skips most of the parsing and compiling that dominate cold
// start. Older Nodes lack the function and start as before.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
