import type { Browser, BrowserContext, Page } from 'playwright-core';
import { structureChange, uniqueSuffix } from '../support/fixtures';
import type { Responder } from '../support/receiver';
import { eventually, launchChromium, screenshot } from './browser';
import { startStack, type Stack } from './stack';

const LONG = 90_000;

/** /fail answers 500 (the retries run out fast in the test stack), everything else 200. */
const respond: Responder = (req, res) => {
  if (req.path.startsWith('/fail')) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('nope');
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
};

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  stack = await startStack(respond);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.close();
});

describe('the API keys page', () => {
  it('creates a key shown once with a copy button, lists it without the secret, and revokes it after confirmation', async () => {
    const { apiKey } = await stack.tenant();
    const page = await openPage();
    await page.goto(`${stack.baseUrl}/api-keys#key=${apiKey}`);
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await eventually(async () => expect(await page.getByTestId('api-key-row').count()).toBe(1));

    await page.getByLabel('Name').fill('GitHub Actions deploy');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('full-api-key').innerText();
    expect(secret).toMatch(/^hk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{20,}$/);
    await page.getByTestId('new-api-key').getByRole('button', { name: 'Copy key' }).waitFor();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'GitHub Actions deploy' });
    await row.waitFor();
    expect(await row.innerText()).toContain(`hk_${secret.split('_')[1]}_…`);
    expect(await row.innerText()).toContain('Events: write');
    await screenshot(page, 'api-keys');

    // The new key does what its scope allows, and only that.
    expect((await stack.call(secret, 'GET', '/v1/documentations')).status).toBe(403);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await eventually(async () => expect(await page.getByTestId('full-api-key').count()).toBe(0));
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke GitHub Actions deploy' }).click();
    const dialog = page.getByTestId('revoke-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Revoke GitHub Actions deploy' }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await eventually(async () => expect(await row.count()).toBe(0));
    expect((await stack.call(secret, 'POST', '/v1/documentations/x/events', structureChange())).status).toBe(401);
  }, LONG);
});

describe('documentations in the dashboard', () => {
  it('creates one with the form, edits it, and deletes it in the danger zone', async () => {
    const { apiKey } = await stack.tenant();
    const page = await openPage();
    await page.goto(`${stack.baseUrl}/#key=${apiKey}`);
    await page.getByRole('heading', { name: 'No documentations yet' }).waitFor();
    const name = `Billing ${uniqueSuffix()}`;
    await page.getByLabel('Name').fill(name);
    const slug = await page.getByLabel('Slug').inputValue();
    expect(slug).toMatch(/^billing-[0-9a-f]{10}$/);
    await page.getByLabel('Public documentation URL').fill('not a url');
    await page.getByRole('button', { name: 'Create documentation' }).click();
    await eventually(async () => expect(await page.getByLabel('Public documentation URL').getAttribute('aria-invalid')).toBe('true'));
    await page.getByLabel('Public documentation URL').fill('https://docs.example.com/billing');
    await page.getByRole('button', { name: 'Create documentation' }).click();
    await page.getByRole('heading', { name: new RegExp(name) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/documentations/${slug}/integrations`);

    await page.getByRole('button', { name: 'Edit documentation' }).click();
    const form = page.getByRole('form', { name: 'Edit documentation' });
    await form.getByLabel('Name').fill(`${name} v2`);
    await form.getByLabel('Tags').fill('billing, public');
    const renamed = `${slug}-v2`;
    await form.getByLabel('Slug').fill(renamed);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: new RegExp(`${name} v2`) }).waitFor();
    await eventually(async () => expect(new URL(page.url()).pathname).toBe(`/documentations/${renamed}/integrations`));
    const stored = await stack.call(apiKey, 'GET', `/v1/documentations/${renamed}`);
    expect(stored.body).toMatchObject({ name: `${name} v2`, slug: renamed, tags: ['billing', 'public'] });
    await page.getByTestId('documentation-settings').getByText('public').waitFor();
    await screenshot(page, 'documentation-settings');

    await page.getByRole('button', { name: 'Delete documentation' }).click();
    const dialog = page.getByTestId('delete-documentation-dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete documentation' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the slug/).fill(renamed);
    await confirm.click();
    await page.getByRole('heading', { name: 'No documentations yet' }).waitFor();
    expect((await stack.call(apiKey, 'GET', `/v1/documentations/${stored.body.id}`)).status).toBe(404);
  }, LONG);
});

describe('delivery filters', () => {
  it('filter the recent deliveries, and the address keeps them for a shared link', async () => {
    const { apiKey } = await stack.tenant();
    const doc = (await stack.call(apiKey, 'POST', '/v1/documentations', { slug: `orders-${uniqueSuffix()}`, name: 'Orders API' })).body as { slug: string };
    const ok = (await stack.call(apiKey, 'POST', `/v1/documentations/${doc.slug}/webhooks`, { url: stack.receiver.url('/ok') })).body as { id: string };
    for (let i = 0; i < 3; i++) expect((await stack.call(apiKey, 'POST', `/v1/documentations/${doc.slug}/events`, structureChange())).status).toBe(202);
    expect((await stack.call(apiKey, 'POST', `/v1/webhooks/${ok.id}/test`)).status).toBe(202);
    await eventually(async () => {
      const page = await stack.call(apiKey, 'GET', `/v1/webhooks/${ok.id}/deliveries?status=succeeded`);
      expect(page.body.data).toHaveLength(4);
    }, 30_000);

    const page = await openPage();
    const rows = page.getByTestId('delivery-row');
    await page.goto(`${stack.baseUrl}/documentations/${doc.slug}/integrations#key=${apiKey}`);
    await eventually(async () => expect(await rows.count()).toBe(4));

    const filters = page.getByTestId('delivery-filters');
    await filters.getByLabel('Event').selectOption('ping');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(async () => expect(await rows.count()).toBe(1));
    expect(await rows.first().innerText()).toContain('ping');
    const shared = new URL(page.url());
    expect(Object.fromEntries(shared.searchParams)).toEqual({ webhook: ok.id, eventType: 'ping' });

    // Someone opening the link sees the same filtered list.
    const other = await openPage();
    await other.goto(`${shared.toString()}#key=${apiKey}`);
    await eventually(async () => expect(await other.getByTestId('delivery-row').count()).toBe(1));
    expect(await other.getByTestId('delivery-filters').getByLabel('Event').inputValue()).toBe('ping');

    await filters.getByLabel('exhausted').check();
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No deliveries match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('exhausted');

    await filters.getByLabel('exhausted').uncheck();
    await filters.getByLabel('Event').selectOption('');
    await filters.getByLabel('HTTP status').fill('2xx');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(async () => expect(await rows.count()).toBe(4));
    await screenshot(page, 'delivery-filters');

    await filters.getByRole('button', { name: 'Clear' }).click();
    await eventually(async () => expect(new URL(page.url()).search).toBe(''));
    await eventually(async () => expect(await rows.count()).toBe(4));
  }, LONG);
});
