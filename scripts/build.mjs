// Bundles the API and the worker into plain JavaScript (apps/<app>/dist/main.js):
// what `npm start`, `npm run worker`, `npm run api` and the container run, so a
// process does not carry a TypeScript loader (about 45 MB of memory and a second
// of start-up each). Workspace code is bundled; npm packages stay external.
//
//   node scripts/build.mjs [api] [worker]      (default: both)
import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apps = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const wanted = apps.length > 0 ? apps : ['api', 'worker'];

// Each bundle: its entry under apps/<app>/src, and its file in apps/<app>/dist. The second
// entries are the threads a deployed definition is validated in (API) and diffed in (worker).
const ENTRIES = { api: [['main.ts', 'main.js'], ['versions/deployment-thread.ts', 'deployment-thread.js']], worker: [['main.ts', 'main.js'], ['versions/diff-thread.ts', 'diff-thread.js']] };

for (const [app, entry, output] of wanted.flatMap((app) => (ENTRIES[app] ?? [[null]]).map(([entry, output]) => [app, entry, output]))) {
  if (!['api', 'worker'].includes(app)) throw new Error(`unknown app "${app}" (api or worker)`);
  // Same depth as src/, so paths the code resolves from __dirname (migrations, package.json) still hold.
  const outfile = path.join(root, 'apps', app, 'dist', output);
  const temporary = `${outfile}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(root, 'apps', app, 'src', entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    outfile: temporary,
    logLevel: 'warning',
    plugins: [
      {
        name: 'npm-packages-external',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@hookline/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  // Atomic: a worker starting while another builds never reads half a file.
  renameSync(temporary, outfile);
}
