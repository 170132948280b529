import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { diffDefinitions } from './diff';
import { parseDefinitionText, type DefinitionObject } from './load';

/**
 * GitHub's public OpenAPI document (~13 MB) from two releases of the
 * @octokit/openapi npm package, fetched once into a cache by `npm pack`
 * (CI has the npm registry). Not committed: too large.
 */
const RELEASES = ['22.0.0', '23.0.2'] as const;
const CACHE = path.resolve(__dirname, '../../../node_modules/.cache/hookline-octokit');
const FILE = 'package/generated/api.github.com.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function githubDefinition(release: string): string {
  const dir = path.join(CACHE, release);
  const file = path.join(dir, FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const out = execFileSync('npm', ['pack', `@octokit/openapi@${release}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['-xzf', path.join(dir, out), '-C', dir, FILE]);
  }
  return readFileSync(file, 'utf8');
}

/** The operations of a document, read straight from its `paths`. */
function operations(doc: DefinitionObject): Set<string> {
  const found = new Set<string>();
  for (const [route, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of METHODS) if (item[method]) found.add(`${method.toUpperCase()} ${route}`);
  }
  return found;
}

describe("GitHub's OpenAPI document, two releases", () => {
  let before: DefinitionObject;
  let after: DefinitionObject;

  beforeAll(() => {
    before = parseDefinitionText(githubDefinition(RELEASES[0]));
    after = parseDefinitionText(githubDefinition(RELEASES[1]));
  }, 180_000);

  it('the operations added and removed are exactly those a direct comparison of `paths` finds; removed ones are breaking', async () => {
    const { items, breaking } = await diffDefinitions(before, after);
    const old = operations(before);
    const now = operations(after);
    const added = [...now].filter((op) => !old.has(op)).sort();
    const removed = [...old].filter((op) => !now.has(op)).sort();
    expect(added.length + removed.length).toBeGreaterThan(10);

    const endpoints = items.filter((item) => item.type === 'endpoint');
    expect(endpoints.filter((item) => item.status === 'added').map((item) => item.name).sort()).toEqual(added);
    expect(endpoints.filter((item) => item.status === 'removed').map((item) => item.name).sort()).toEqual(removed);
    for (const item of endpoints.filter((i) => i.status === 'removed')) expect({ name: item.name, breaking: item.breaking }).toEqual({ name: item.name, breaking: true });
    expect(breaking).toBe(true);
    // Every item names an operation of one of the two documents.
    for (const item of endpoints) expect(old.has(item.name) || now.has(item.name)).toBe(true);
  }, 120_000);
});
