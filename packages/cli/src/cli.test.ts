import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { createRedis } from '@hookline/queue';
import { createLogger } from '@hookline/telemetry';
import { startTestApi, type TestApi } from '../../../apps/api/src/testing/harness';
import type { DeliveryWorker } from '../../../apps/worker/src/delivery-worker';
import { VersionWorker } from '../../../apps/worker/src/versions/version-worker';
import { paymentsApi, withRefunds, withoutGetCharge } from '../../../test/support/definitions';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { Receiver } from '../../../test/support/receiver';
import { startTestWorker } from '../../../test/support/worker';

const BIN = path.resolve(__dirname, '../bin/hookline.cjs');

/** The real `hookline` bin, in a child process (not a TTY), against a real API and workers. */
describe('hookline CLI', () => {
  let api: TestApi;
  let worker: DeliveryWorker;
  let versions: VersionWorker;
  let versionsRedis: ReturnType<typeof createRedis>;
  let key: string;
  const receiver = new Receiver();
  const dir = mkdtempSync(path.join(tmpdir(), 'hookline-cli-'));
  const file = (name: string, content: object) => {
    const target = path.join(dir, name);
    writeFileSync(target, name.endsWith('.json') ? JSON.stringify(content) : toYaml(content));
    return target;
  };

  const hookline = (args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOOKLINE_URL: api.baseUrl, HOOKLINE_API_KEY: key, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    api = await startTestApi();
    ({ apiKey: key } = await api.tenant());
    worker = await startTestWorker({ db: api.db, secretBox: api.secretBox, prefix: api.prefix });
    versionsRedis = createRedis(TEST_REDIS_URL, 'worker');
    versions = new VersionWorker({ db: api.db, connection: versionsRedis, deliveries: worker.queue, logger: createLogger('cli-test', 'silent'), prefix: api.prefix });
    await versions.start();
    await receiver.start();
    await api.call('/v1/documentations', { method: 'POST', key, body: { slug: 'payments', name: 'Payments API' } });
    await api.call('/v1/documentations/payments/webhooks', { method: 'POST', key, body: { url: receiver.url() } });
  });

  afterAll(async () => {
    await versions.close();
    await versionsRedis.quit();
    await worker.close();
    await api.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploy: waits for the diff, prints the summary in plain text, and --fail-on-breaking exits 1 on a breaking change', async () => {
    const first = await hookline(['deploy', file('v1.yaml', paymentsApi()), '--doc', 'payments']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('First version: nothing to compare with');
    expect(first.stdout).toContain('no notification');

    const added = await hookline(['deploy', file('v2.json', withRefunds(paymentsApi('1.1.0'))), '--doc', 'payments', '--fail-on-breaking']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('1 change, 0 breaking: added POST /refunds');
    expect(added.stdout).toMatch(/^ {2}added {4}POST \/refunds$/m);
    expect(added.stdout).toMatch(/notified: event [0-9a-f-]{36}/);
    // Not a TTY: no colour codes.
    expect(added.stdout).not.toContain('\u001b[');
    await receiver.waitFor(1);

    const removed = await hookline(['deploy', file('v3.yaml', withoutGetCharge(withRefunds(paymentsApi('2.0.0')))), '--doc', 'payments', '--fail-on-breaking']);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain('1 change, 1 breaking: removed GET /charges/{id}');
    expect(removed.stdout).toMatch(/removed {2}GET \/charges\/\{id\} {2}BREAKING/);

    const again = await hookline(['deploy', path.join(dir, 'v3.yaml'), '--doc', 'payments', '--fail-on-breaking']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no notification');
    await receiver.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toHaveLength(2);
  }, 90_000);

  it('diff: two files, or a file against the documentation; --markdown prints the Markdown summary', async () => {
    const before = file('a.yaml', paymentsApi());
    const after = file('b.yaml', withoutGetCharge(paymentsApi()));
    const plain = await hookline(['diff', before, after]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    const failing = await hookline(['diff', before, after, '--fail-on-breaking', '--markdown']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('- Removed `GET /charges/{id}` **(breaking)**');
    const againstDoc = await hookline(['diff', before, '--doc', 'payments']);
    expect(againstDoc.code).toBe(0);
    expect(againstDoc.stdout).toContain('added    GET /charges/{id}');
    expect(receiver.requests).toHaveLength(2);
  }, 60_000);

  it('bad usage, a bad definition, a missing key or an unreachable server: a clear line and a non-zero exit', async () => {
    const invalid = await hookline(['deploy', file('bad.json', { openapi: '3.0.3', info: { title: 'x' }, paths: {} }), '--doc', 'payments']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('422');
    expect(invalid.stderr).toContain("/info: must have required property 'version'");
    expect((await hookline(['deploy', 'missing.yaml', '--doc', 'payments'])).stderr).toContain('cannot read missing.yaml');
    const noKey = await hookline(['diff', 'a', 'b'], { HOOKLINE_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('HOOKLINE_API_KEY is not set');
    const unknown = await hookline(['deploy', path.join(dir, 'a.yaml'), '--doc', 'no-such-doc']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('404');
    const down = await hookline(['diff', path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')], { HOOKLINE_URL: 'http://127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:1');
    expect((await hookline(['deploy', '--bogus'])).code).toBe(2);
  }, 60_000);
});
