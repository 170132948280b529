import type { Browser, BrowserContext, Page } from 'playwright-core';
import { structureChange, uniqueSuffix } from '../support/fixtures';
import type { Responder } from '../support/receiver';
import { eventually, launchChromium, screenshot } from './browser';
import { startStack, type Stack } from './stack';

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const LONG = 90_000;

/** The user's endpoints: /gone answers 410, /flaky fails one request in three, the rest 200 with JSON. */
let flakyCount = 0;
const respond: Responder = (req, res) => {
  if (req.path.startsWith('/gone')) return void res.writeHead(410, { 'content-type': 'text/plain' }).end('this endpoint is gone');
  if (req.path.startsWith('/flaky') && flakyCount++ % 3 === 0) {
    return void res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"error":"busy, try again"}');
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
};

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  return context.newPage();
}

async function createDocumentation(key: string, name: string) {
  const answer = await stack.call(key, 'POST', '/v1/documentations', {
    slug: `${name.toLowerCase().replace(/\W+/g, '-')}-${uniqueSuffix()}`,
    name,
    description: 'Charges, refunds and payouts',
    humanUrl: 'https://docs.example.com/payments',
  });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; slug: string };
}

async function createWebhook(key: string, slug: string, url: string, description?: string) {
  const answer = await stack.call(key, 'POST', `/v1/documentations/${slug}/webhooks`, { url, description });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; secret: string };
}

const integrations = (slug: string, key?: string) => `${stack.baseUrl}/documentations/${slug}/integrations${key ? `#key=${key}` : ''}`;
const storedKey = (page: Page) => page.evaluate('localStorage.getItem("hookline.apiKey")');

// Long enough for launchChromium to install Debian's chromium on a fresh machine.
beforeAll(async () => {
  stack = await startStack(respond);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.close();
});

describe('signing in', () => {
  it('asks for an API key, says in the API’s words when it is refused, and shows how to create a documentation', async () => {
    const page = await openPage();
    await page.goto(stack.baseUrl);
    await page.getByRole('heading', { name: 'Sign in with an API key' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('API key').fill('hk_notAValidKey00_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The API key is not valid.' }).waitFor();
    expect(await storedKey(page)).toBeNull();

    const { apiKey } = await stack.tenant();
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('API key').press('Enter');
    await page.getByRole('heading', { name: 'No documentations yet' }).waitFor();
    await page.getByRole('button', { name: 'Create documentation' }).waitFor();
    expect(await storedKey(page)).toBe(apiKey);
    await screenshot(page, 'documentations-empty');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in with an API key' }).waitFor();
    expect(await storedKey(page)).toBeNull();
  }, LONG);
});

describe('the Integrations page', () => {
  let page: Page;
  let key: string;
  let slug: string;
  let webhookId: string;
  const card = () => page.getByTestId('webhook-card');
  const rows = () => page.getByTestId('delivery-row');

  beforeAll(async () => {
    key = (await stack.tenant()).apiKey;
    slug = (await createDocumentation(key, 'Payments API')).slug;
    page = await openPage();
  });

  it('signs in from a #key= link, keeps the key and takes it out of the address bar', async () => {
    await page.goto(integrations(slug, key));
    await page.getByRole('heading', { name: /Payments API/ }).waitFor();
    expect(page.url()).toBe(integrations(slug));
    expect(await storedKey(page)).toBe(key);
    await page.getByRole('heading', { name: 'No webhooks yet' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Add a webhook' }).waitFor();
  }, LONG);

  it('shows a validation error from the API next to its field', async () => {
    await page.getByLabel('Payload URL').fill('ftp://files.example.com/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const field = page.getByLabel('Payload URL');
    await eventually(async () => expect(await field.getAttribute('aria-invalid')).toBe('true'));
    const message = await page.locator(`#${await field.getAttribute('aria-describedby').then((ids) => ids!.split(' ').pop())}`).innerText();
    expect(message).toBe('must be an http or https URL');
  }, LONG);

  it('adds a webhook and shows its secret in full once', async () => {
    await page.getByLabel('Payload URL').fill(stack.receiver.url('/hooks/payments'));
    await page.getByLabel('Description (optional)').fill('Payments notifier');
    await page.getByRole('button', { name: 'Add webhook' }).click();

    const secret = await page.getByTestId('full-secret').innerText();
    expect(secret).toMatch(SECRET);
    webhookId = (await card().getAttribute('data-webhook-id'))!;
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/secret`)).body).toEqual({ secret });
    await screenshot(page, 'webhook-added');

    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('full-secret').count()).toBe(0);
    expect(await page.getByTestId('secret-value').innerText()).toBe(`whsec_${secret.slice(6, 10)}…`);
    await page.reload();
    await card().waitFor();
    expect(await page.getByTestId('full-secret').count()).toBe(0);
    expect(await page.getByTestId('secret-value').innerText()).toBe(`whsec_${secret.slice(6, 10)}…`);
  }, LONG);

  it('sends a test and shows the delivery arrive, then settle', async () => {
    await page.getByRole('button', { name: 'Test webhook' }).click();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(1);
    await eventually(async () => expect(await rows().first().getAttribute('data-status')).toBe('succeeded'));
    const text = await rows().first().innerText();
    expect(text).toContain('ping');
    expect(text).toContain('200');
    expect(stack.receiver.requests.filter((r) => r.path === '/hooks/payments').map((r) => r.headers['x-bump-event'])).toEqual(['ping']);
  }, LONG);

  it('opens a delivery with its attempts, redelivers it, and closes with Escape', async () => {
    const deliveryId = (await rows().first().getAttribute('data-delivery-id'))!;
    await rows().first().click();
    const dialog = page.getByTestId('delivery-dialog');
    await dialog.getByTestId('attempt').first().waitFor();
    expect(await dialog.getByTestId('attempt').count()).toBe(1);
    const attempt = await dialog.getByTestId('attempt').first().innerText();
    expect(attempt).toContain('HTTP 200');
    expect(attempt).toContain(deliveryId);
    expect(attempt).toMatch(/x-bump-signature-256/i);
    expect(attempt).toContain('"received": true');
    expect(await dialog.getByTestId('attempt-url').first().innerText()).toBe(`Sent to ${stack.receiver.url('/hooks/payments')}`);

    await dialog.getByRole('button', { name: 'Redeliver' }).click();
    await eventually(async () => expect(await dialog.getByTestId('attempt').count()).toBe(2));
    expect(await dialog.getByTestId('attempt').last().innerText()).toContain('redelivery');
    await dialog.getByText('Redelivered: the new attempt is the last one below.').waitFor();
    const received = stack.receiver.requests.filter((r) => r.path === '/hooks/payments');
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([deliveryId, deliveryId]);
    await screenshot(page, 'delivery-detail', { fullPage: false });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => expect(await rows().first().innerText()).toMatch(/\b2\b/));
  }, LONG);

  it('reveals the secret on request and rotates it in stages: the old one signs until the new one is activated', async () => {
    const { secret: before } = (await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/secret`)).body;
    await card().getByRole('button', { name: 'Reveal' }).click();
    await eventually(async () => expect(await page.getByTestId('secret-value').innerText()).toBe(before));
    await card().getByRole('button', { name: 'Hide' }).click();

    await card().getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('X-Bump-Signature-256 stays signed with the old secret until you press Activate new secret');
    await screenshot(page, 'rotate-secret', { fullPage: false });
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    const after = await page.getByTestId('full-secret').innerText();
    expect(after).toMatch(SECRET);
    expect(after).not.toBe(before);
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/secret`)).body).toEqual({ secret: after });
    await page.getByTestId('bump-pending').waitFor();
    expect(await page.getByTestId('secret-value').innerText()).toBe(`whsec_${after.slice(6, 10)}…`);
    await card().getByRole('button', { name: 'Activate new secret' }).click();
    await page.getByTestId('bump-active').waitFor();
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body.bumpSwitchesAt).toBeNull();
  }, LONG);

  it('edits the payload URL', async () => {
    await card().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit webhook' });
    await form.getByLabel('Payload URL').fill('not a url');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('must be an absolute URL').waitFor();

    const url = stack.receiver.url('/hooks/payments-v2');
    await form.getByLabel('Payload URL').fill(url);
    await form.getByRole('button', { name: 'Save' }).click();
    await card().getByRole('heading', { name: url }).waitFor();
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body.url).toBe(url);
  }, LONG);

  it('sets the webhook’s deployment-wide limits, with the API’s field error for a bad one', async () => {
    await card().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit webhook' });
    await form.getByLabel('Max concurrent requests').fill('0');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('must be at least 1').waitFor();
    await form.getByLabel('Max concurrent requests').fill('8');
    await form.getByLabel('Max requests per second').fill('25');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body).toMatchObject({ maxConcurrency: 8, rateLimitPerSecond: 25 });
    await card().getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('form', { name: 'Edit webhook' }).getByLabel('Max requests per second').fill('');
    await page.getByRole('form', { name: 'Edit webhook' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Edit webhook' }).waitFor({ state: 'detached' });
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body).toMatchObject({ maxConcurrency: 8, rateLimitPerSecond: null });
  }, LONG);

  it('disables and enables the webhook', async () => {
    await card().getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('disabled-notice').waitFor();
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(false);
    await card().getByRole('button', { name: 'Enable' }).click();
    await page.getByTestId('disabled-notice').waitFor({ state: 'detached' });
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(true);
  }, LONG);

  it('deletes the webhook through the danger zone once its URL or "delete" is typed', async () => {
    await card().getByRole('button', { name: 'Delete webhook' }).click();
    let dialog = page.getByTestId('delete-dialog');
    expect(await dialog.innerText()).toContain('Pending retries are cancelled');
    expect(await dialog.getByRole('button', { name: 'Delete webhook' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await card().getByRole('button', { name: 'Delete webhook' }).click();
    dialog = page.getByTestId('delete-dialog');
    await dialog.getByLabel(/Type the webhook URL/).fill('delete');
    await screenshot(page, 'delete-webhook', { fullPage: false });
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByTestId('deleted-notice').waitFor();
    expect(await card().count()).toBe(0);
    expect((await stack.call(key, 'GET', `/v1/webhooks/${webhookId}`)).status).toBe(404);
  }, LONG);
});

describe('delivery history', () => {
  let key: string;
  let slug: string;
  let webhookId: string;

  beforeAll(async () => {
    key = (await stack.tenant()).apiKey;
    slug = (await createDocumentation(key, 'Payments API')).slug;
    webhookId = (await createWebhook(key, slug, stack.receiver.url('/flaky/payments'), 'Payments notifier')).id;
    for (let n = 0; n < 12; n++) {
      const answer = await stack.call(key, 'POST', `/v1/documentations/${slug}/events`, structureChange());
      expect(answer).toMatchObject({ status: 202, body: { deliveries: 1 } });
    }
  });

  it('shows the 10 most recent of 12 deliveries, newest first, and pages to the older ones', async () => {
    const page = await openPage();
    await page.goto(integrations(slug, key));
    const rows = page.getByTestId('delivery-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(10);
    const newest = (await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=12`)).body.data.map((d: { id: string }) => d.id);
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-delivery-id')))).toEqual(newest.slice(0, 10));

    // The list refreshes by itself until the worker has settled every delivery, retries included.
    await eventually(async () => {
      const statuses = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      expect(statuses.every((status) => status === 'succeeded' || status === 'exhausted')).toBe(true);
    }, 30_000);
    // The plot counts attempts: every delivery's, retries included, split by their HTTP status.
    const settled = (await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=12`)).body.data as Array<{ status: string; attempts: number }>;
    const attempts = settled.reduce((sum, d) => sum + d.attempts, 0);
    const succeeded = settled.filter((d) => d.status === 'succeeded').length;
    await eventually(async () =>
      expect(await page.getByTestId('health-summary').innerText()).toContain(`Attempts: ${succeeded} succeeded, ${attempts - succeeded} failed`),
    );
    expect(await page.locator('[data-testid="health-chart"] .chart-succeeded').count()).toBe(1);
    await screenshot(page, 'integrations-1280');

    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByRole('heading', { name: 'Older deliveries (page 2)' }).waitFor();
    await eventually(async () => expect(await rows.count()).toBe(2));
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-delivery-id')))).toEqual(newest.slice(10));
    await page.getByRole('button', { name: '← Newer' }).click();
    await eventually(async () => expect(await rows.count()).toBe(10));

    // By keyboard: the row's button opens the delivery, Escape closes it and focus goes back.
    await rows.first().getByRole('button', { name: /^Details of the documentation.structure_change delivery/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('delivery-dialog').getByTestId('attempt').first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('delivery-dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement.closest("[data-testid=delivery-row]")?.dataset.deliveryId')).toBe(newest[0]);
  }, LONG);

  it('is readable at 390 px wide, without sideways scrolling', async () => {
    const page = await openPage(390, 844);
    await page.goto(integrations(slug, key));
    await page.getByTestId('delivery-row').first().waitFor();
    await page.getByTestId('health-chart').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'integrations-390');
  }, LONG);

  it('answers the health plot’s stats only for the webhook’s own organization, and checks its query', async () => {
    const stats = await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/stats?hours=3`);
    expect(stats.status).toBe(200);
    expect(stats.body.buckets).toHaveLength(3);
    expect(stats.body.buckets[2]).toMatchObject({ succeeded: expect.any(Number), failed: expect.any(Number), p50Ms: expect.any(Number), p95Ms: expect.any(Number) });
    expect(stats.body.buckets[0]).toEqual({ hour: expect.stringMatching(/T\d\d:00:00\.000Z$/), succeeded: 0, failed: 0, p50Ms: null, p95Ms: null });

    const other = (await stack.tenant()).apiKey;
    expect((await stack.call(other, 'GET', `/v1/webhooks/${webhookId}/stats`)).status).toBe(404);
    const invalid = await stack.call(key, 'GET', `/v1/webhooks/${webhookId}/stats?hours=169`);
    expect(invalid).toMatchObject({ status: 400, body: { errors: [{ path: 'hours', message: 'must be at most 168 (7 days)' }] } });
  });

  it('says why Hookline disabled a webhook', async () => {
    const gone = await createWebhook(key, slug, stack.receiver.url('/gone/payments'), 'Old integration');
    await stack.call(key, 'POST', `/v1/webhooks/${gone.id}/test`);
    const disabled = await eventually(async () => {
      const webhook = (await stack.call(key, 'GET', `/v1/webhooks/${gone.id}`)).body;
      expect(webhook.enabled).toBe(false);
      return webhook as { disabledReason: string };
    });
    const page = await openPage();
    await page.goto(integrations(slug, key));
    const notice = page.locator(`[data-webhook-id="${gone.id}"]`).getByTestId('disabled-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain(`Hookline disabled this webhook`);
    expect(await notice.innerText()).toContain(disabled.disabledReason);

    // The endpoint is fixed; enabling offers to resend what failed, with the count first.
    await stack.call(key, 'PATCH', `/v1/webhooks/${gone.id}`, { url: stack.receiver.url('/moved/payments') });
    const card = page.locator(`[data-webhook-id="${gone.id}"]`);
    await card.getByRole('button', { name: 'Enable' }).click();
    const offer = card.getByTestId('recover-offer');
    await offer.getByText('1 delivery since').waitFor();
    expect(await offer.innerText()).toContain('1 failed, 0 never sent');
    const before = stack.receiver.requests.filter((r) => r.path === '/moved/payments').length;
    await offer.getByRole('button', { name: 'Resend 1' }).click();
    await card.getByText('1 deliveries queued again.').first().waitFor();
    await eventually(async () => expect(stack.receiver.requests.filter((r) => r.path === '/moved/payments').length).toBe(before + 1));
  }, LONG);
});
