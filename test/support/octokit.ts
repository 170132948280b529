import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * GitHub's public OpenAPI document (~13 MB) from releases of the
 * @octokit/openapi npm package, fetched once into a cache with `npm pack`
 * (the npm registry is reachable in CI). Too large to commit.
 */
export const GITHUB_RELEASES = ['22.0.0', '23.0.2'] as const;
const CACHE = path.resolve(__dirname, '../../node_modules/.cache/hookline-octokit');
const FILE = 'package/generated/api.github.com.json';

export function githubDefinitionText(release: string): string {
  const dir = path.join(CACHE, release);
  const file = path.join(dir, FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', `@octokit/openapi@${release}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir, FILE]);
  }
  return readFileSync(file, 'utf8');
}
