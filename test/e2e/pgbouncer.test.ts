import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, ingestEvent, updateWebhook, type Db, type QueuedDelivery } from '@hookline/db';
import { DeliveryQueue, createRedis } from '@hookline/queue';
import { freePort } from '../faults/lib/processes';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/env';
import { createTenant, structureChange, testQueuePrefix } from '../support/fixtures';
import { Receiver, waitUntil } from '../support/receiver';
import { seedDocumentation, seedWebhook, testSecretBox } from '../support/seed';
import { startTestWorker } from '../support/worker';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const describeIf = existsSync(PGBOUNCER) ? describe : describe.skip;
if (!existsSync(PGBOUNCER)) process.stdout.write('pgbouncer test skipped: /usr/sbin/pgbouncer not installed (apt-get install pgbouncer)\n');

/**
 * Hookline behind PgBouncer in transaction mode: every statement or
 * transaction may run on another server connection, so nothing may rely on
 * session state. Ingest, the worker's batched loads and writes, and an
 * interactive Prisma transaction all go through it here.
 */
describeIf('through PgBouncer in transaction mode', () => {
  let dir: string;
  let bouncer: ChildProcess;
  let db: Db;
  const receiver = new Receiver();

  beforeAll(async () => {
    const url = new URL(TEST_DATABASE_URL);
    const database = url.pathname.slice(1);
    const port = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), 'hookline-pgbouncer-'));
    chmodSync(dir, 0o777);
    writeFileSync(path.join(dir, 'users.txt'), `"${url.username || 'postgres'}" ""\n`);
    writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${database} = host=${url.hostname} port=${url.port || 5432} dbname=${database}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'auth_type = trust',
        `auth_file = ${path.join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'default_pool_size = 3',
        'max_client_conn = 100',
        `unix_socket_dir = ${dir}`,
        `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      ].join('\n'),
    );
    // PgBouncer refuses to run as root; -u drops to the postgres user.
    bouncer = spawn(PGBOUNCER, process.getuid?.() === 0 ? ['-u', 'postgres', path.join(dir, 'pgbouncer.ini')] : [path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    url.port = String(port);
    db = createDb(url.toString(), { max: 10 });
    await waitUntil(async () => db.pool.query('SELECT 1').then(() => true, () => false), 10_000, 'pgbouncer');
    await receiver.start();
  });

  afterAll(async () => {
    await db.close();
    bouncer.kill('SIGTERM');
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests, delivers, records and edits with 3 server connections shared by 10 clients', async () => {
    const prefix = testQueuePrefix();
    const worker = await startTestWorker({ db, secretBox: testSecretBox(), prefix });
    const redis = createRedis(TEST_REDIS_URL, 'worker');
    const queue = new DeliveryQueue(redis, { prefix });
    try {
      const { organizationId } = await createTenant(db);
      const doc = await seedDocumentation(db, organizationId);
      const hooks = await Promise.all([1, 2, 3, 4].map((n) => seedWebhook(db, doc, receiver.url(`/h${n}`))));
      const deliveries: QueuedDelivery[] = [];
      for (let i = 0; i < 10; i++) {
        const result = await ingestEvent(db, { organizationId, documentation: doc, type: 'documentation.structure_change', diff: structureChange().diff });
        if (result.kind === 'created') deliveries.push(...result.deliveries);
      }
      await queue.enqueue(deliveries);
      await receiver.waitFor(40, 20_000);
      await waitUntil(async () => {
        const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM deliveries WHERE status = 'succeeded' AND id = ANY($1::uuid[])", [deliveries.map((d) => d.deliveryId)]);
        return Number(rows[0]!.n) === 40;
      }, 10_000, 'all 40 deliveries recorded as succeeded');
      // An interactive transaction (read, then write) keeps one server connection for its duration.
      const updated = await updateWebhook(db, organizationId, hooks[0]!.id, { enabled: false });
      expect(updated?.enabled).toBe(false);
    } finally {
      await worker.close();
      await queue.obliterate();
      await queue.close();
      await redis.quit();
    }
  }, 60_000);
});
