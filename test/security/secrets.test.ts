import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { SecretBox } from '@hookline/db';
import { createCaseDatabase, dropDatabase, SHARED_POSTGRES_URL } from '../faults/lib/postgres';
import { killAllChildren, poll, sleep } from '../support/processes';
import { Endpoint } from '../support/chaos-receiver';
import { PrivateRedis } from '../faults/lib/redis';
import { FAULTS_SECRETS_KEY, FaultStack } from '../faults/lib/stack';

/**
 * Secrets at rest and in transit through the system: the real API and worker
 * processes at LOG_LEVEL=debug, deliveries that succeed, fail, reset and are
 * refused, a rotation, a test ping and a redelivery. Then every log line,
 * every Redis key and every row of every table is searched for the webhook
 * secrets, the API key and the SECRETS_KEY.
 */
describe('secrets never leave their sealed column', () => {
  const dbName = `hookline_security_secrets_${Date.now().toString(36)}`;
  let redis: PrivateRedis;
  let stack: FaultStack;
  let pool: Pool;
  const endpoints: Endpoint[] = [];
  const secrets: Array<{ webhookId: string; secret: string }> = [];
  const redisDumps: string[] = [];
  const responses: string[] = [];

  beforeAll(async () => {
    const [databaseUrl, privateRedis] = await Promise.all([createCaseDatabase(SHARED_POSTGRES_URL, dbName), PrivateRedis.start()]);
    redis = privateRedis;
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
    stack = new FaultStack({ databaseUrl, redisUrl: redis.url, logLevel: 'debug' });
    await Promise.all([stack.startApi(), stack.startWorkers(2)]);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop().catch(() => undefined);
    await killAllChildren();
    await Promise.all(endpoints.map((e) => e.stop()));
    await pool?.end();
    await redis?.stop();
    await dropDatabase(SHARED_POSTGRES_URL, dbName).catch(() => undefined);
  });

  const call = async (path: string, init: Parameters<FaultStack['request']>[1] = {}) => {
    const answer = await stack.request(path, init);
    return answer;
  };

  it('runs deliveries of every outcome, then finds no secret in logs, Redis, or any table', async () => {
    const slug = 'secrets-doc';
    expect((await call('/v1/documentations', { method: 'POST', body: { slug, name: 'Secrets' } })).status).toBe(201);
    const behaviours = [
      { name: 'ok', behaviour: { latencyMs: [0, 20] as [number, number] } },
      { name: 'failing', behaviour: { fail5xx: 1 } },
      { name: 'reset', behaviour: { reset: 1 } },
    ];
    for (const [i, spec] of behaviours.entries()) {
      const endpoint = new Endpoint(spec.name, spec.behaviour, 50 + i);
      await endpoint.start();
      endpoints.push(endpoint);
      const created = await call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url: endpoint.url } });
      expect(created.status).toBe(201);
      endpoint.secret = created.body.secret;
      secrets.push({ webhookId: created.body.id, secret: created.body.secret });
    }
    // Refused by the address policy ([::1] is loopback, outside the allowed 127.0.0.0/8): an error message of its own.
    const refused = await call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url: 'http://[::1]:9/hook' } });
    secrets.push({ webhookId: refused.body.id, secret: refused.body.secret });

    // A rotation: the old secret goes on signing (second signature), so both are in play.
    const rotated = await call(`/v1/webhooks/${secrets[0]!.webhookId}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    secrets.push({ webhookId: secrets[0]!.webhookId, secret: rotated.body.secret });
    // Activated at once: X-Bump-Signature-256 moves to the new secret, webhook-signature keeps both.
    expect((await call(`/v1/webhooks/${secrets[0]!.webhookId}/activate-secret`, { method: 'POST' })).status).toBe(200);
    endpoints[0]!.secret = rotated.body.secret;

    // Few: the failing endpoints' circuits must not open (that would only delay the run).
    for (let i = 0; i < 2; i++) {
      const sent = await call(`/v1/documentations/${slug}/events`, { method: 'POST', body: { diff: { id: `s-${i}`, title: 'T', public_url: 'https://docs.example.com/c', breaking: true, details: [] } } });
      expect(sent.status).toBe(202);
    }
    const ping = await call(`/v1/webhooks/${secrets[1]!.webhookId}/test`, { method: 'POST' });
    expect(ping.status).toBe(202);

    // Mid-run, retries wait in Redis as delayed jobs: dump it now, and again at the end.
    await sleep(400);
    redisDumps.push(JSON.stringify(await redis.dumpAll()));

    await poll(async () => (await pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE status IN ('pending', 'retrying')`)).rows[0].n === 0, 30_000, 250);
    const { rows: delivered } = await pool.query(`SELECT id FROM deliveries WHERE status = 'succeeded' LIMIT 1`);
    expect((await call(`/v1/deliveries/${delivered[0].id}/redeliver`, { method: 'POST' })).status).toBe(202);
    await sleep(1_000);
    redisDumps.push(JSON.stringify(await redis.dumpAll()));

    // What the API shows (secrets masked), and its error answers.
    for (const s of secrets.slice(0, 4)) {
      responses.push(JSON.stringify((await call(`/v1/webhooks/${s.webhookId}`)).body));
      responses.push(JSON.stringify((await call(`/v1/webhooks/${s.webhookId}/deliveries?limit=100`)).body));
      responses.push(JSON.stringify((await call(`/v1/webhooks/${s.webhookId}`, { method: 'PATCH', body: { url: 'not a url' } })).body));
    }
    responses.push(JSON.stringify((await call(`/v1/documentations/${slug}/webhooks`)).body));
    const { rows: allDeliveries } = await pool.query('SELECT id FROM deliveries');
    for (const d of allDeliveries) responses.push(JSON.stringify((await call(`/v1/deliveries/${d.id}`)).body));

    // The explicit reveal is the one answer that carries a secret: it also proves the search below finds one.
    const reveal = await call(`/v1/webhooks/${secrets[1]!.webhookId}/secret`);
    expect(JSON.stringify(reveal.body)).toContain(secrets[1]!.secret);

    await stack.stop();
    const logs = stack.children.flatMap((c) => c.lines.map((line) => `${c.name}: ${line}`));
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.some((line) => line.includes('"level":"debug"') || line.includes('"level":"info"'))).toBe(true);

    const { rows: tables } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const tableDump: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await pool.query(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      tableDump.push(...rows.map((r: { row: string }) => `${table_name}: ${r.row}`));
    }
    expect(tableDump.some((row) => row.startsWith('attempts:'))).toBe(true);

    const needles = new Map<string, string>();
    for (const { secret } of secrets) {
      needles.set(secret, 'webhook secret');
      needles.set(secret.slice('whsec_'.length), 'webhook secret (key part)');
      needles.set(Buffer.from(secret.slice('whsec_'.length), 'base64').toString('hex'), 'webhook secret key bytes (hex)');
    }
    needles.set(stack.apiKey, 'API key');
    needles.set(stack.apiKey.split('_').slice(2).join('_'), 'API key (secret part)');
    needles.set(FAULTS_SECRETS_KEY, 'SECRETS_KEY');
    const haystacks = { logs: logs.join('\n'), redis: redisDumps.join('\n'), database: tableDump.join('\n'), 'API answers (outside the explicit reveal)': responses.join('\n') };
    const hits: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [needle, what] of needles) if (text.includes(needle)) hits.push(`${what} found in ${where}`);
    }
    expect(hits).toEqual([]);
    expect(haystacks.redis.length).toBeGreaterThan(100);

    // At rest: sealed with AES-256-GCM, bound to the webhook id; the column opens to the secret only with the key.
    const box = new SecretBox(FAULTS_SECRETS_KEY);
    const { rows: webhooks } = await pool.query(`SELECT id, secret_encrypted, previous_secret_encrypted FROM webhooks`);
    for (const s of secrets) {
      const row = webhooks.find((w: { id: string }) => w.id === s.webhookId);
      const sealed = [row.secret_encrypted, row.previous_secret_encrypted].filter(Boolean) as string[];
      expect(sealed.some((column) => box.open(column, s.webhookId) === s.secret)).toBe(true);
      for (const column of sealed) expect(column).not.toContain(s.secret.slice(6));
    }
    // A sealed secret copied onto another webhook's row does not open there.
    expect(() => box.open(webhooks[0].secret_encrypted, webhooks[1].id)).toThrow();

    // API keys: only a SHA-256 of the key is kept.
    const { rows: keys } = await pool.query(`SELECT row_to_json(k)::text AS row, hash FROM api_keys k`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.map((k: { hash: string }) => k.hash)).toContain(createHash('sha256').update(stack.apiKey).digest('hex'));
    for (const k of keys) expect(k.row).not.toContain(stack.apiKey.split('_').slice(2).join('_'));

    // The failing outcomes did happen (their messages were part of what was searched).
    const { rows: kinds } = await pool.query(`SELECT DISTINCT error_kind FROM attempts WHERE error_kind IS NOT NULL`);
    expect(kinds.map((k: { error_kind: string }) => k.error_kind)).toEqual(expect.arrayContaining(['http_status', 'connection_reset', 'address_refused']));
  }, 120_000);
});
