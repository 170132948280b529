import { GITHUB_RELEASES, githubDefinitionText } from '../../../test/support/octokit';
import { diffDefinitions } from './diff';
import { parseDefinitionText, type DefinitionObject } from './load';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The operations of a document, read straight from its `paths`. */
function operations(doc: DefinitionObject): Set<string> {
  const found = new Set<string>();
  for (const [route, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of METHODS) if (item[method]) found.add(`${method.toUpperCase()} ${route}`);
  }
  return found;
}

/** GitHub's public definition, two releases (see test/support/octokit.ts): real structure, 13 MB each. */
describe("GitHub's OpenAPI document, two releases", () => {
  let before: DefinitionObject;
  let after: DefinitionObject;

  beforeAll(() => {
    before = parseDefinitionText(githubDefinitionText(GITHUB_RELEASES[0]));
    after = parseDefinitionText(githubDefinitionText(GITHUB_RELEASES[1]));
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
  }, 240_000);
});
