import { apiCompare, objectMappingResolver, openapi3Rules, type CompareRules, type Diff } from 'api-smart-diff';
import { itemId, type DiffItem } from './bump-diff';
import type { DefinitionObject } from './load';
import { toOpenApi3 } from './normalize';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Text that never changes what a client sends or receives. */
const TEXT_KEYS = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'title', 'x-codeSamples', 'x-github']);
/** A value bigger than this (as JSON) is not copied into `previous` / `current`. */
const MAX_VALUE_CHARS = 2_000;

/**
 * The library's OpenAPI rules with two changes. Paths match by their exact
 * template, so `/a/{id}` becoming `/a/{key}` lists its operations as removed
 * and added, as a reader comparing the two `paths` would. And components are
 * not compared on their own: every $ref is resolved where an operation uses
 * it, which is where a change matters (and it saves a fifth of the time).
 */
function compareRules(): CompareRules {
  const rules = openapi3Rules() as Record<string, unknown>;
  return {
    ...rules,
    '/paths': { ...(rules['/paths'] as object), mapping: objectMappingResolver },
    '/components': { skip: true },
    '/tags': { skip: true },
    '/info': { skip: true },
  } as CompareRules;
}

const STATUS = { add: 'added', remove: 'removed', replace: 'modified', rename: 'modified' } as const;

/**
 * A documentation or example edit is not structural. The diff library marks
 * most as `annotation`; the key check also catches vendor text fields. A
 * property *named* `description` is structure, hence the `properties` check.
 */
function isStructural(diff: Diff): boolean {
  if (diff.type === 'annotation') return false;
  const root = diff.path[0];
  if (root !== 'paths' && root !== 'webhooks' && root !== 'security') return false;
  return !diff.path.some((segment, i) => typeof segment === 'string' && TEXT_KEYS.has(segment) && diff.path[i - 1] !== 'properties');
}

function valueRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  if (json === undefined || json.length > MAX_VALUE_CHARS) return undefined;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

function childType(rest: Array<string | number>): string {
  const head = rest[0];
  if (head === 'parameters') return 'parameter';
  if (head === 'requestBody') return rest.includes('properties') ? 'property' : 'body';
  if (head === 'responses') return rest.includes('properties') ? 'property' : 'response';
  if (head === 'security') return 'security';
  if (head === 'deprecated') return 'deprecation';
  return String(head ?? 'endpoint');
}

const endpointName = (method: string, route: string) => `${method.toUpperCase()} ${route}`;

function endpointValue(route: string, method: string, operation: unknown): Record<string, unknown> {
  const deprecated = (operation as { deprecated?: unknown } | undefined)?.deprecated === true;
  return { path: route, verb: method.toUpperCase(), deprecated };
}

interface Group {
  name: string;
  type: string;
  whole?: Diff;
  route?: string;
  method?: string;
  children: Diff[];
}

function groupOf(diff: Diff, groups: Map<string, Group>, defs: { before: DefinitionObject; after: DefinitionObject }): void {
  const [root, second, third] = diff.path as Array<string | number>;
  if (root === 'paths' && typeof second === 'string') {
    if (diff.path.length === 2 && (diff.action === 'add' || diff.action === 'remove')) {
      // A whole path item: one item per operation in it.
      const item = (diff.action === 'add' ? diff.after : diff.before) as Record<string, unknown>;
      for (const method of Object.keys(item ?? {}).filter((m) => METHODS.has(m))) {
        groupOf({ ...diff, path: ['paths', second, method], before: diff.action === 'remove' ? item[method] : undefined, after: diff.action === 'add' ? item[method] : undefined }, groups, defs);
      }
      return;
    }
    if (typeof third === 'string' && METHODS.has(third)) {
      const name = endpointName(third, second);
      const group = groups.get(name) ?? { name, type: 'endpoint', route: second, method: third, children: [] };
      groups.set(name, group);
      if (diff.path.length === 3 && diff.action !== 'replace') group.whole = diff;
      else group.children.push(diff);
      return;
    }
  }
  const name = diff.path.slice(0, 2).join(' ');
  const group = groups.get(name) ?? { name, type: String(root), children: [] };
  groups.set(name, group);
  group.children.push(diff);
}

function childItem(diff: Diff, depth: number): DiffItem {
  const rest = diff.path.slice(depth) as Array<string | number>;
  const name = diff.description?.trim() || rest.join('.');
  const breaking = diff.type === 'breaking';
  return {
    id: itemId(`${diff.path.join('/')}`),
    name,
    status: STATUS[diff.action],
    type: childType(rest),
    breaking,
    ...(valueRecord(diff.before) ? { previous: valueRecord(diff.before) } : {}),
    ...(valueRecord(diff.after) ? { current: valueRecord(diff.after) } : {}),
    ...(breaking ? { breaking_details: { message: name, pointer: '/' + diff.path.join('/') } } : {}),
    children: [],
  };
}

function groupItem(group: Group, defs: { before: DefinitionObject; after: DefinitionObject }): DiffItem {
  const opOf = (doc: DefinitionObject) => (doc.paths as Record<string, Record<string, unknown>> | undefined)?.[group.route ?? '']?.[group.method ?? ''];
  if (group.whole) {
    const added = group.whole.action === 'add';
    const breaking = group.whole.type === 'breaking';
    const value = group.route ? endpointValue(group.route, group.method!, added ? group.whole.after : group.whole.before) : valueRecord(added ? group.whole.after : group.whole.before);
    return {
      id: itemId(group.name),
      name: group.name,
      status: added ? 'added' : 'removed',
      type: group.type,
      breaking,
      ...(added ? { current: value } : { previous: value }),
      ...(breaking ? { breaking_details: { message: `${added ? 'added' : 'removed'} ${group.name}` } } : {}),
      children: [],
    };
  }
  const children = group.children.map((diff) => childItem(diff, group.route ? 3 : 1));
  const breaking = children.some((child) => child.breaking);
  return {
    id: itemId(group.name),
    name: group.name,
    status: 'modified',
    type: group.type,
    breaking,
    ...(group.route ? { previous: endpointValue(group.route, group.method!, opOf(defs.before)), current: endpointValue(group.route, group.method!, opOf(defs.after)) } : {}),
    ...(breaking ? { breaking_details: { reasons: children.filter((c) => c.breaking).map((c) => c.name) } } : {}),
    children,
  };
}

export interface StructuralDiff {
  items: DiffItem[];
  breaking: boolean;
}

/**
 * The structural changes from `before` to `after`, as Bump DiffItems: one
 * item per endpoint (`METHOD /path`), its changes as children. Changes to
 * components are seen where operations use them ($refs are resolved), so
 * components are not listed on their own.
 */
export async function diffDefinitions(beforeRaw: DefinitionObject, afterRaw: DefinitionObject): Promise<StructuralDiff> {
  const before = await toOpenApi3(beforeRaw);
  const after = await toOpenApi3(afterRaw);
  const { diffs } = apiCompare(before, after, { rules: compareRules() });
  const groups = new Map<string, Group>();
  for (const diff of diffs) if (isStructural(diff)) groupOf(diff, groups, { before, after });
  const items = [...groups.values()].map((group) => groupItem(group, { before, after }));
  const order = { removed: 0, modified: 1, added: 2 } as const;
  items.sort((a, b) => Number(b.breaking) - Number(a.breaking) || order[a.status] - order[b.status] || a.name.localeCompare(b.name));
  return { items, breaking: items.some((item) => item.breaking) };
}
