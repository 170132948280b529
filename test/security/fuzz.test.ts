import { createTenant, structureChange, type TestTenant } from '../support/fixtures';
import { seededRandom } from '../support/chaos-receiver';
import { startInProcessApi, type InProcessApi } from './support/in-process-api';

/**
 * Every write route of the API, fed random bytes, wrong types, deep nesting,
 * huge strings, odd unicode and prototype-pollution keys, from a fixed seed.
 * Whatever comes in: never a 5xx, every 4xx is application/problem+json, and
 * the API is still ready afterwards. FUZZ_CASES and FUZZ_SEED change the run.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_101);

type Random = () => number;

/** Percent-encodes the UTF-8 bytes of any string (a lone surrogate becomes U+FFFD, as a client would send it). */
const pct = (text: string) => Array.from(Buffer.from(text, 'utf8'), (b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Random, max: number) => Math.floor(r() * max);

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202Eevil\u202C',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧨🔥',
  'Ω≈ç√∫˜µ≤≥÷',
  '\ud800',
  '\udfff\ud800',
  '\udc00',
  'end\ud83d',
  'pair \ud83d\ude00 fine',
  'a\u0000b',
  'a\u0301\u0301\u0301',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  "' OR 1=1 --",
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data/',
  'http://user:pass@127.0.0.1/',
  'ftp://127.0.0.1/',
  ' http://127.0.0.1/ ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  '1e309',
  '-0',
];

function randomString(r: Random): string {
  switch (int(r, 5)) {
    case 0:
      return pick(r, ODD_STRINGS);
    case 1:
      return 'x'.repeat(pick(r, [201, 1001, 2049, 65_536, 300_000]));
    case 2:
      return Array.from({ length: int(r, 40) }, () => String.fromCodePoint(int(r, 0x10ffff) & ~0xf800 | (r() < 0.1 ? 0xd800 : 0))).join('');
    case 3:
      return Array.from({ length: int(r, 64) }, () => String.fromCharCode(32 + int(r, 95))).join('');
    default:
      return `${pick(r, ['doc', 'slug', 'A', '-x'])}-${int(r, 1e6)}`;
  }
}

function deep(r: Random, depth: number): unknown {
  let value: unknown = pick(r, [1, 'leaf', null, {}]);
  const asArray = r() < 0.5;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** The JSON of a DiffItem whose children nest `depth` levels, valid at every level (built as text: too deep for JSON.stringify). */
function deepDiffItemJson(depth: number): string {
  const open = (i: number) => `{"id":"n${i}","name":"n${i}","status":"modified","type":"endpoint","breaking":false,"children":[`;
  const leaf = '{"id":"leaf","name":"leaf","status":"added","type":"endpoint","breaking":false,"children":[]}';
  let text = '';
  for (let i = 0; i < depth; i++) text += open(i);
  return text + leaf + ']}'.repeat(depth);
}

/** A structural change (body text) whose first detail nests `depth` levels. */
function deepChange(r: Random, depth: number): string {
  const base = JSON.stringify({ diff: { ...structureChange().diff, id: `fuzz-${int(r, 1e9)}`, details: ['DETAILS'] } });
  return base.replace('["DETAILS"]', `[${deepDiffItemJson(depth)}]`);
}

function pollution(r: Random): Record<string, unknown> {
  return JSON.parse(
    pick(r, [
      '{"__proto__": {"polluted": "yes", "isAdmin": true}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
      '{"__proto__": null}',
      '{"toString": "x", "valueOf": 1, "hasOwnProperty": "no"}',
    ]),
  ) as Record<string, unknown>;
}

function randomValue(r: Random, budget = 3): unknown {
  switch (int(r, 10)) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1.5, 2 ** 53 + 1, -1e308, 1e-320]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return budget > 0 ? Array.from({ length: int(r, 4) }, () => randomValue(r, budget - 1)) : [];
    case 6:
      return budget > 0 ? Object.fromEntries(Array.from({ length: int(r, 4) }, () => [randomString(r).slice(0, 50), randomValue(r, budget - 1)])) : {};
    case 7:
      return pollution(r);
    case 8:
      return deep(r, pick(r, [10, 1_000, 5_000]));
    default:
      return randomString(r);
  }
}

/** A valid body for the route, with one part of it broken (or left valid now and then). */
function mutate(r: Random, valid: Record<string, unknown>): unknown {
  const body: Record<string, unknown> = structuredClone(valid);
  const keys = Object.keys(body);
  switch (int(r, 6)) {
    case 0:
      return body;
    case 1:
      body[pick(r, keys)] = randomValue(r);
      return body;
    case 2:
      body[randomString(r).slice(0, 40) || 'extra'] = randomValue(r);
      return body;
    case 3:
      return Object.assign(pollution(r), body);
    case 4:
      delete body[pick(r, keys)];
      return body;
    default:
      return randomValue(r);
  }
}

interface Target {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: (param: string) => string;
  param: () => string;
  body: () => Record<string, unknown> | null;
}

describe('fuzzing every write route (in-process API, real PostgreSQL and Redis)', () => {
  let api: InProcessApi;
  let tenant: TestTenant;
  let other: TestTenant;
  const r = seededRandom(SEED);
  const made = { slug: '', webhookId: '', deliveryId: '', otherWebhookId: '' };
  const failures: string[] = [];
  const counts = new Map<number, number>();

  const send = async (method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; key?: string | null } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== null) headers.authorization = `Bearer ${options.key ?? tenant.apiKey}`;
    const response = await fetch(api.baseUrl + path, { method, headers, body: options.body, signal: AbortSignal.timeout(20_000) });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  };

  beforeAll(async () => {
    api = await startInProcessApi();
    tenant = await createTenant(api.db);
    other = await createTenant(api.db);
    made.slug = `fuzz-${Date.now().toString(36)}`;
    const doc = await send('POST', '/v1/documentations', { body: JSON.stringify({ slug: made.slug, name: 'Fuzz' }), headers: { 'content-type': 'application/json' } });
    expect(doc.status).toBe(201);
    const hook = await send('POST', `/v1/documentations/${made.slug}/webhooks`, { body: JSON.stringify({ url: 'https://receiver.example.com/hook' }), headers: { 'content-type': 'application/json' } });
    made.webhookId = (JSON.parse(hook.text) as { id: string }).id;
    const ping = await send('POST', `/v1/webhooks/${made.webhookId}/test`);
    made.deliveryId = (JSON.parse(ping.text) as { deliveryId: string }).deliveryId;
    const otherDoc = await send('POST', '/v1/documentations', { key: other.apiKey, body: JSON.stringify({ slug: made.slug, name: 'Other' }), headers: { 'content-type': 'application/json' } });
    expect(otherDoc.status).toBe(201);
    const otherHook = await send('POST', `/v1/documentations/${made.slug}/webhooks`, { key: other.apiKey, body: JSON.stringify({ url: 'https://receiver.example.com/other' }), headers: { 'content-type': 'application/json' } });
    made.otherWebhookId = (JSON.parse(otherHook.text) as { id: string }).id;
  });

  afterAll(async () => {
    await api?.close();
  });

  const idParam = (): string =>
    r() < 0.5 ? made.webhookId : pick(r, [
      () => made.webhookId,
      () => made.webhookId.toUpperCase(),
      () => made.otherWebhookId,
      () => '00000000-0000-0000-0000-000000000000',
      () => pct(randomString(r).slice(0, 3000)),
      () => '%E0%A4%A',
      () => '__proto__',
      () => 'constructor',
      () => '..%2F..%2Fopenapi.json',
      () => 'x'.repeat(5000),
    ])();
  const slugParam = (): string =>
    r() < 0.6 ? made.slug : pick(r, [() => made.slug, () => made.slug.toUpperCase(), () => pct(randomString(r).slice(0, 3000)), () => '__proto__', () => '%ff', () => 'a'.repeat(4000)])();
  const deliveryParam = () => pick(r, [() => made.deliveryId, idParam])();
  const diff = () => ({ diff: { ...structureChange().diff, id: `fuzz-${int(r, 1e9)}` } });

  const targets: Target[] = [
    { method: 'POST', path: () => '/v1/documentations', param: () => '', body: () => ({ slug: `f-${int(r, 1e9)}`, name: 'Fuzzed', description: 'd', humanUrl: 'https://docs.example.com' }) },
    { method: 'POST', path: (p) => `/v1/documentations/${p}/webhooks`, param: slugParam, body: () => ({ url: 'https://receiver.example.com/fuzz', description: 'd', breakingOnly: false }) },
    { method: 'PATCH', path: (p) => `/v1/webhooks/${p}`, param: idParam, body: () => ({ url: 'https://receiver.example.com/patched', description: null, enabled: true, breakingOnly: true }) },
    { method: 'DELETE', path: (p) => `/v1/webhooks/${p}`, param: () => pick(r, [() => '00000000-0000-0000-0000-000000000000', () => made.otherWebhookId, idParam])(), body: () => null },
    { method: 'POST', path: (p) => `/v1/webhooks/${p}/rotate-secret`, param: idParam, body: () => null },
    { method: 'POST', path: (p) => `/v1/webhooks/${p}/test`, param: idParam, body: () => null },
    { method: 'POST', path: (p) => `/v1/deliveries/${p}/redeliver`, param: deliveryParam, body: () => null },
    { method: 'POST', path: (p) => `/v1/documentations/${p}/events`, param: slugParam, body: () => ({ ...diff(), version: '1.0' }) },
  ];

  const encodeBody = (valid: Record<string, unknown> | null, target: Target): { body?: string | Buffer; contentType?: string } => {
    const choice = int(r, 10);
    if (choice === 0) return { body: Buffer.from(Array.from({ length: int(r, 4096) + 1 }, () => int(r, 256))), contentType: pick(r, ['application/json', 'application/octet-stream']) };
    if (choice === 1) return { body: pick(r, ['{', '{"a":', '[1,2', 'null', '"str"', '123', 'true', '{"a":1}garbage', '\uFEFF{}', '{"__proto__":{"polluted":"yes"}}']), contentType: 'application/json' };
    if (choice === 2) return { body: JSON.stringify(valid ?? {}), contentType: pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/merge-patch+json', 'multipart/form-data; boundary=x']) };
    if (choice === 3 && target.path('x').endsWith('/events')) {
      return { body: deepChange(r, pick(r, [50, 2_000, 20_000])), contentType: 'application/json' };
    }
    if (choice === 4) return { body: `${'['.repeat(pick(r, [1_000, 100_000]))}${']'.repeat(0)}`, contentType: 'application/json' };
    if (choice === 5) return { body: JSON.stringify({ ...(valid ?? {}), padding: 'p'.repeat(1_100_000) }), contentType: 'application/json' };
    const body = valid === null && r() < 0.5 ? undefined : mutate(r, valid ?? {});
    let text: string | undefined;
    try {
      text = body === undefined ? undefined : JSON.stringify(body);
    } catch {
      text = '{"too":"deep"}';
    }
    return { body: text, contentType: text === undefined ? undefined : 'application/json' };
  };

  // Strings PostgreSQL's text or json refuse: every string field of every write route names the field in a 400.
  const UNSTORABLE = ['\ud800', 'x\udfffy', 'end\ud83d', 'a\u0000b'];
  it('refuses lone surrogates and NUL in every string field of every write route with a 400 naming it', async () => {
    const fieldCases: string[] = [];
    const wrong: string[] = [];
    const withStrings = [
      ...targets.filter((t) => t.body() !== null).map((t) => ({ ...t, param: () => (t.path('x').includes('/webhooks/') ? made.webhookId : made.slug) })),
      { method: 'POST' as const, path: (p: string) => `/v1/webhooks/${p}/recover`, param: () => made.webhookId, body: () => ({ since: new Date(0).toISOString(), dryRun: true }) },
    ];
    for (const target of withStrings) {
      const valid = target.body()! as Record<string, unknown>;
      const fields: Array<{ path: string; set: (body: Record<string, unknown>, text: string) => void }> = Object.keys(valid)
        .filter((k) => typeof valid[k] === 'string')
        .map((k) => ({ path: k, set: (body, text) => void (body[k] = text) }));
      if (valid.diff) fields.push({ path: 'diff.title', set: (body, text) => void ((body.diff as Record<string, unknown>).title = text) });
      for (const field of fields) {
        for (const text of UNSTORABLE) {
          const body = structuredClone(valid);
          field.set(body, text);
          const path = target.path(target.param());
          const answer = await send(target.method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
          fieldCases.push(`${target.method} ${path} ${field.path}`);
          const named = answer.status === 400 && answer.type.startsWith('application/problem+json') && (JSON.parse(answer.text) as { errors?: Array<{ path: string }> }).errors?.some((e) => e.path === field.path);
          if (!named) wrong.push(`${target.method} ${path} ${field.path}=${JSON.stringify(text)} → ${answer.status} ${answer.text.slice(0, 160)}`);
        }
      }
    }
    expect(fieldCases.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it.each([50, 2_000, 20_000])('answers a change whose items nest %i levels deep with a 202 or a 4xx', async (depth) => {
    const answer = await send('POST', `/v1/documentations/${made.slug}/events`, { body: deepChange(r, depth), headers: { 'content-type': 'application/json' } });
    process.stdout.write(`fuzz: items nested ${depth} deep → ${answer.status} ${answer.text.slice(0, 160)}\n`);
    expect(answer.status).toBeLessThan(500);
    if (answer.status >= 400) expect(answer.type).toMatch(/^application\/problem\+json/);
  });

  it(`answers ${CASES} fuzzed writes (seed ${SEED}) without a 5xx, every 4xx a problem+json`, async () => {
    for (let i = 0; i < CASES; i++) {
      const target = pick(r, targets);
      const path = target.path(target.param());
      const { body, contentType } = encodeBody(target.body(), target);
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      if (target.path('x').endsWith('/events') && r() < 0.5) headers['idempotency-key'] = randomString(r).replace(/[^\x20-\x7e]/g, '?').slice(0, pick(r, [10, 255, 400])) || 'k';
      const key = r() < 0.85 ? undefined : pick(r, [null, 'hk_garbage', `hk_${'A'.repeat(12)}_${'b'.repeat(30)}`, other.apiKey]);
      let answer: Awaited<ReturnType<typeof send>>;
      try {
        answer = await send(target.method, path, { body, headers, key });
      } catch (error) {
        failures.push(`#${i} ${target.method} ${path.slice(0, 80)}: no answer (${(error as Error).message})`);
        continue;
      }
      counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
      const describe = () => `#${i} ${target.method} ${path.slice(0, 80)} [${contentType ?? 'no body'}] ${typeof body === 'string' ? body.slice(0, 120) : body ? `<${body.length} bytes>` : ''} → ${answer.status} ${answer.text.slice(0, 200)}`;
      if (answer.status >= 500) failures.push(describe());
      else if (answer.status >= 400 && !answer.type.startsWith('application/problem+json')) failures.push(`not a problem+json: ${describe()}`);
    }
    process.stdout.write(`fuzz: ${CASES} cases, statuses ${JSON.stringify(Object.fromEntries([...counts].sort()))}\n`);
    expect(failures).toEqual([]);
    // In-process: a polluted prototype would show here.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const ready = await fetch(`${api.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  }, 240_000);
});
