import { DeliveryQueue, createRedis, keySlot, shardOf, type RedisClient } from '@hookline/queue';
import { verifyStandard } from '@hookline/signing';
import { TEST_DATABASE_URL, TEST_SECRETS_KEY } from '../support/env';
import { createTenant, structureChange, testDb } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { RedisCluster } from './support/redis-cluster';
import { ClusterStack } from './support/stack';
import type { Db } from '@hookline/db';
import { createServer } from 'node:net';

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const SHARDS = 6;
const PER_SHARD = 2;

/**
 * The API and two workers (real processes, from the bundles) on a real
 * 6-node Redis Cluster with QUEUE_SHARDS=6. Events go to webhooks on every
 * shard and arrive signed; then the primary owning the busiest shard is
 * SIGKILLed mid-run. Its replica takes over, the processes carry on without a
 * restart, nothing is lost, and a delivery sent twice keeps its webhook-id,
 * no more of them than jobs in flight at the kill.
 */
describe('Redis Cluster: sharded queues through a primary failover', () => {
  let cluster: RedisCluster;
  let stack: ClusterStack;
  let db: Db;
  let observer: RedisClient;
  let queue: DeliveryQueue;
  let apiKey: string;
  let slug: string;
  const hooks = new Map<string, { secret: string; shard: number }>();
  // A little slow, so that many attempts are in flight when the node dies.
  const receiver = new Receiver((_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 40));

  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(stack.apiUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const postEvent = async () => {
    const answer = await call(`/v1/documentations/${slug}/events`, { method: 'POST', body: structureChange() });
    expect(answer.status).toBe(202);
    return answer.body.id as string;
  };
  const ready = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(3_000) }).catch(() => null))?.status === 200;

  beforeAll(async () => {
    // 2 s: a failover within seconds, without a loaded machine failing a healthy primary over.
    [cluster, db] = await Promise.all([RedisCluster.start({ nodeTimeoutMs: 2_000 }), Promise.resolve(testDb())]);
    await receiver.start();
    ({ apiKey } = await createTenant(db));
    stack = new ClusterStack({
      databaseUrl: TEST_DATABASE_URL,
      secretsKey: TEST_SECRETS_KEY,
      seeds: cluster.seeds,
      shards: SHARDS,
      env: {
        DELIVERY_ALLOWED_CIDRS: '127.0.0.0/8',
        DELIVERY_RETRY_SCHEDULE: '0.5,1,2,4,8',
        DELIVERY_TIMEOUT_MS: '3000',
        WORKER_CONCURRENCY: '32',
        RECONCILE_INTERVAL_SECONDS: '1',
        // Longer than a producer's command can stay in flight through a failover (see createRedis).
        RECONCILE_GRACE_SECONDS: '5',
      },
    });
    await stack.startApi();
    await Promise.all([stack.startWorker(), stack.startWorker()]);
    observer = createRedis({ clusterNodes: cluster.seedNodes }, 'worker');
    observer.on('error', () => undefined);
    queue = new DeliveryQueue(observer, { prefix: '{hookline}', shards: SHARDS });

    slug = `cluster-${Date.now()}`;
    expect((await call('/v1/documentations', { method: 'POST', body: { slug, name: 'Payments API', humanUrl: 'https://docs.example.test/payments' } })).status).toBe(201);
    // Webhooks until every shard has PER_SHARD of them; the others are deleted again.
    const perShard = new Map<number, number>();
    for (let n = 0; [...Array(SHARDS).keys()].some((s) => (perShard.get(s) ?? 0) < PER_SHARD); n++) {
      if (n > 60) throw new Error('could not cover every shard');
      const created = await call(`/v1/documentations/${slug}/webhooks`, { method: 'POST', body: { url: receiver.url(`/hook/${n}`) } });
      expect(created.status).toBe(201);
      const shard = shardOf(created.body.id, SHARDS);
      if ((perShard.get(shard) ?? 0) >= PER_SHARD) {
        expect((await call(`/v1/webhooks/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
        continue;
      }
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
      hooks.set(created.body.id, { secret: created.body.secret, shard });
    }
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    observer?.disconnect();
    await stack?.stop();
    await cluster?.stop();
    await receiver.stop();
    await db?.close();
    // Nothing left listening: every node's client and bus port, the API's and the workers' are free again.
    const ports = [...(cluster?.nodes.flatMap((n) => [n.port, n.busPort]) ?? []), ...(stack?.all().map((p) => p.port) ?? [])];
    expect(await Promise.all(ports.map(portIsFree))).toEqual(ports.map(() => true));
  }, 60_000);

  /** Every delivery of these events, as PostgreSQL has it. */
  const deliveriesOf = async (eventIds: string[]) =>
    (await db.pool.query<{ id: string; webhook_id: string; status: string; created_at: Date }>(`SELECT id, webhook_id, status, created_at FROM deliveries WHERE event_id = ANY($1::uuid[])`, [eventIds])).rows;

  it('delivers events to webhooks on every shard, each signed', async () => {
    const events = await Promise.all(Array.from({ length: 5 }, () => postEvent()));
    const rows = await deliveriesOf(events);
    expect(rows).toHaveLength(events.length * SHARDS * PER_SHARD);
    expect(new Set(rows.map((r) => shardOf(r.webhook_id, SHARDS))).size).toBe(SHARDS);
    await waitUntil(async () => (await deliveriesOf(events)).every((r) => r.status === 'succeeded'), 30_000, 'every delivery to succeed');
    const byDelivery = new Map(rows.map((r) => [r.id, r.webhook_id]));
    for (const request of receiver.requests) {
      const deliveryId = String(request.headers['webhook-id']);
      const webhookId = byDelivery.get(deliveryId);
      expect(webhookId).toBeDefined();
      expect(() => verifyStandard({ secret: hooks.get(webhookId!)!.secret, headers: request.headers as Record<string, string>, body: request.body })).not.toThrow();
    }
    // Test ping and redelivery go to the webhook's shard too; both arrive signed, the redelivery with the same webhook-id.
    const [pinged] = [...hooks.keys()];
    const ping = await call(`/v1/webhooks/${pinged}/test`, { method: 'POST' });
    expect(ping.status).toBe(202);
    const redelivered = rows[0]!;
    expect((await call(`/v1/deliveries/${redelivered.id}/redeliver`, { method: 'POST' })).status).toBe(202);
    await waitUntil(async () => receiver.requests.some((r) => r.headers['webhook-id'] === ping.body.deliveryId) && receiver.requests.filter((r) => r.headers['webhook-id'] === redelivered.id).length === 2, 15_000, 'the ping and the redelivery');
    for (const [deliveryId, webhookId] of [[ping.body.deliveryId, pinged!], [redelivered.id, redelivered.webhook_id]]) {
      for (const request of receiver.requests.filter((r) => r.headers['webhook-id'] === deliveryId)) {
        expect(() => verifyStandard({ secret: hooks.get(webhookId)!.secret, headers: request.headers as Record<string, string>, body: request.body })).not.toThrow();
      }
    }
    // The shards spread over the primaries: with 6 shards on 3 primaries, every primary owns some.
    const owners = new Set(await Promise.all(queue.prefixes.map(async (p) => cluster.ownerOf(Number(await cluster.command(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', p))))));
    expect(owners.size).toBe(3);
  });

  it('carries on through SIGKILL of the primary owning the busiest shard: 0 lost, duplicates only as resends of the same webhook-id', async () => {
    const pids = stack.all().map((p) => p.child.pid);
    const from = receiver.requests.length;
    const events: string[] = [];
    let posting = true;
    const producing = (async () => {
      while (posting) {
        events.push(await postEvent());
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    })();
    await waitUntil(async () => events.length >= 15, 20_000, 'traffic to build up');

    // The busiest shard right now, the primary that owns it, and every job in flight at that moment.
    const depths = await queue.depths();
    const busiest = depths.reduce((a, b) => (b.active + b.waiting > a.active + a.waiting ? b : a));
    const victim = await cluster.ownerOf(keySlot(busiest.prefix));
    const owners = await Promise.all(queue.prefixes.map((prefix) => cluster.ownerOf(keySlot(prefix))));
    const victimShards = new Set(owners.flatMap((owner, shard) => (owner === victim ? [shard] : [])));
    const inFlight = depths.reduce((n, d) => n + d.active, 0);
    const killedAt = Date.now();
    cluster.kill(victim);

    // Readiness turns 503 while the dead primary's slots fail, and comes back by itself.
    let apiNotReady = false;
    let workerNotReady = false;
    const watching = (async () => {
      for (let i = 0; i < 300 && posting; i++) {
        const [api, ...workers] = await Promise.all([ready(stack.api!.readyUrl), ...stack.workers.map((w) => ready(w.readyUrl))]);
        if (!api) apiNotReady = true;
        if (workers.some((ok) => !ok)) workerNotReady = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const promotedAt = await waitUntil(async () => {
      const owner = await cluster.ownerOf(keySlot(busiest.prefix)).catch(() => -1);
      return owner !== -1 && owner !== victim && Date.now();
    }, 30_000, 'a replica to be promoted');
    await cluster.waitUntilHealthy();
    // Deliveries of events posted after the failover, to the shards that lost their primary.
    const postedAfter = events.length;
    await waitUntil(async () => events.length >= postedAfter + 10, 20_000, 'more events after the failover');
    posting = false;
    await producing;
    await watching;

    await waitUntil(async () => (await deliveriesOf(events)).every((r) => r.status === 'succeeded'), 60_000, 'every delivery to succeed');
    const rows = await deliveriesOf(events);
    const known = new Map(rows.map((r) => [r.id, r.webhook_id]));
    const createdAt = new Map(rows.map((r) => [r.id, r.created_at.getTime()]));
    const received = receiver.requests.slice(from).filter((request) => known.has(String(request.headers['webhook-id'])));
    for (const request of received) {
      const secret = hooks.get(known.get(String(request.headers['webhook-id']))!)!.secret;
      expect(() => verifyStandard({ secret, headers: request.headers as Record<string, string>, body: request.body })).not.toThrow();
    }
    // Nothing else arrived at these webhooks: no request under a webhook-id that is not one of these deliveries.
    const ours = receiver.requests.slice(from).filter((request) => request.path.startsWith('/hook/'));
    expect(ours.filter((request) => !known.has(String(request.headers['webhook-id'])))).toEqual([]);
    const distinct = new Set(received.map((request) => String(request.headers['webhook-id'])));
    const lost = rows.filter((r) => !distinct.has(r.id)).length;
    const duplicates = received.length - distinct.size;
    // Recovered: the first delivery created after the kill, on a shard of the dead primary, arrives.
    const onVictim = (request: (typeof received)[number]) => victimShards.has(hooks.get(known.get(String(request.headers['webhook-id']))!)!.shard);
    const newSince = (request: (typeof received)[number]) => createdAt.get(String(request.headers['webhook-id']))! > killedAt;
    const resumedAt = Math.min(...received.filter((request) => newSince(request) && onVictim(request)).map((request) => request.at));
    const lastAt = Math.max(...received.map((request) => request.at));
    const apiReady = await ready(stack.api!.readyUrl);
    const workersReady = await Promise.all(stack.workers.map((w) => ready(w.readyUrl)));

    process.stdout.write(
      `failover: ${rows.length} deliveries of ${events.length} events, ${received.length} requests; lost ${lost}, duplicates ${duplicates} ` +
        `(jobs in flight at the kill: ${inFlight}); primary :${victim} of shards ${[...victimShards].join(',')} killed; ` +
        `replica promoted after ${promotedAt - killedAt} ms; the first delivery created after the kill on those shards arrived after ${resumedAt - killedAt} ms; ` +
        `all ${rows.length} delivered ${lastAt - killedAt} ms after the kill; ` +
        `/readyz 503 during the failover: API ${apiNotReady}, a worker ${workerNotReady}\n`,
    );
    expect(lost).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    expect(Number.isFinite(resumedAt)).toBe(true);
    // The same processes, never restarted, ready again by themselves.
    expect(stack.all().map((p) => p.child.alive() && p.child.pid)).toEqual(pids);
    expect([apiNotReady, workerNotReady]).toEqual([true, true]);
    expect(apiReady).toBe(true);
    expect(workersReady).toEqual([true, true]);
  }, 120_000);
});
