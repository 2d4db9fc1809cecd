// npm run bench:bundle [-- --out DIR]
// A folder that runs the GPU bench (npm run bench:gpu) on any x86-64 Linux machine with a Vulkan
// driver and nothing else: no Node, npm or network. It holds this machine's Node binary
// (gzip), Dawn's dawn.node (the `webgpu` package, gzip), the bench as one CommonJS file
// (esbuild), the wasm backend's binaries and the shipped addition teacher. `./run.sh` unpacks
// Node and Dawn beside itself on first use and writes result.json. Default DIR: .vite/gpu-bench
// (a build output, ignored by git).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants } from 'node:zlib';
import { build } from 'esbuild';
import { commandLine } from './args';
import { REPO_ROOT } from './nodeModel';

const USAGE = 'usage: npm run bench:bundle [-- --out DIR]';
/** The bundle must fit the device machine's 64 MiB carry limit with room to spare. */
const SIZE_LIMIT = 60 * 2 ** 20;

const RUN_SH = `#!/bin/sh
# Alembic's GPU bench: the training-step bench on WebGPU (Dawn over this machine's Vulkan driver)
# and on wasm, at student widths 32, 64, 128 and 256. Needs only /bin/sh and gzip.
#   ./run.sh [--widths 32,64 --backends webgpu,wasm --steps 5 --warmup 2 --out FILE]
# Prints a table on stderr and the JSON on stdout; writes result.json here unless --out is given.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/node" ]; then gzip -dc "$here/node.gz" > "$here/node.part" && chmod +x "$here/node.part" && mv "$here/node.part" "$here/node"; fi
dawn="$here/node_modules/webgpu/dist/linux-x64/dawn.node"
if [ ! -f "$dawn" ]; then gzip -dc "$dawn.gz" > "$dawn.part" && mv "$dawn.part" "$dawn"; fi
export ALEMBIC_ROOT="$here" ALEMBIC_WASM_DIR="$here/wasm" XDG_RUNTIME_DIR="\${XDG_RUNTIME_DIR:-/tmp}"
exec "$here/node" "$here/bench.cjs" --out "$here/result.json" "$@"
`;

async function gzipTo(from: string, to: string): Promise<void> {
  mkdirSync(dirname(to), { recursive: true });
  await pipeline(createReadStream(from), createGzip({ level: constants.Z_BEST_COMPRESSION }), createWriteStream(to));
}

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

async function main(): Promise<void> {
  const cli = commandLine(USAGE, { options: { out: { type: 'string', default: join(REPO_ROOT, '.vite', 'gpu-bench') } } });
  const out = cli.values.out!;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    cli.fail(`the bundle carries this machine's Node binary, which must be x86-64 Linux (this is ${process.platform}-${process.arch})`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const modules = join(REPO_ROOT, 'node_modules');

  // The bench in one file. CommonJS, so tfjs's Node builds find require and __dirname;
  // import.meta.url (REPO_ROOT) is the file's own URL. Dawn stays a package beside it.
  await build({
    entryPoints: [join(REPO_ROOT, 'src', 'cli', 'benchGpu.ts')],
    outfile: join(out, 'bench.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['webgpu'],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  const webgpu = join(modules, 'webgpu');
  for (const f of ['index.js', 'package.json', 'LICENSE.md']) copy(join(webgpu, f), join(out, 'node_modules', 'webgpu', f));
  await gzipTo(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), join(out, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node.gz'));
  const wasmDist = join(modules, '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copy(join(wasmDist, f), join(out, 'wasm', f));
  const teacher = join(REPO_ROOT, 'public', 'teachers', 'addition');
  for (const f of readdirSync(teacher)) copy(join(teacher, f), join(out, 'public', 'teachers', 'addition', f));
  await gzipTo(process.execPath, join(out, 'node.gz'));
  writeFileSync(join(out, 'run.sh'), RUN_SH);
  chmodSync(join(out, 'run.sh'), 0o755);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' plus uncommitted changes' : ''}`;
  writeFileSync(
    join(out, 'README.txt'),
    `Alembic GPU bench, built from commit ${commit} with Node ${process.version}.\nRun ./run.sh on an x86-64 Linux machine with a Vulkan driver; it writes result.json.\nCopy the folder anywhere first: it unpacks Node and Dawn inside itself on the first run.\n`,
  );
  const bytes = folderBytes(out);
  console.log(`bench bundle: ${out}, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  if (bytes > SIZE_LIMIT) cli.fail(`the bundle is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${SIZE_LIMIT / 2 ** 20} MiB it must stay under`, 1);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:bundle: ${(e as Error).message}`);
    process.exit(1);
  },
);
