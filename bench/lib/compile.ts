import path from 'node:path';
import { REPO_ROOT } from './config';

/**
 * The worker as plain JavaScript (one esbuild bundle of the workspace code,
 * npm packages left external), to measure what running under tsx costs. Three
 * levels deep, like apps/worker/src, so its `__dirname`-relative paths resolve.
 * Returns null when esbuild (installed with tsx) is not there.
 */
export async function compileWorker(): Promise<string | null> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  const outfile = path.join(REPO_ROOT, 'bench/.compiled/worker/main.js');
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'apps/worker/src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    plugins: [
      {
        name: 'npm-packages-external',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@hookline/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  return outfile;
}
