// npm run build:wasm: compile src/engine/wasm/assembly and write the binaries, base64, into
// src/engine/wasm/kernelBinaries.ts (under 2 KB: the engine loads them in Node and in the worker
// alike, with no file to fetch). Run it after changing the AssemblyScript; a test fails until then.
import { writeFileSync } from 'node:fs';
import { BINARIES_FILE, binariesModule, compileKernels } from './wasmKernels';

const { plain, shared } = await compileKernels();
writeFileSync(BINARIES_FILE, binariesModule(plain, shared));
console.log(`wrote ${BINARIES_FILE}: ${plain.length} and ${shared.length} bytes`);
