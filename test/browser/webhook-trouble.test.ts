import type { Browser, BrowserContext, Page } from 'playwright-core';
import { structureChange, uniqueSuffix } from '../support/fixtures';
import type { Responder } from '../support/receiver';
import { eventually, launchChromium } from './browser';
import { startStack, type Stack } from './stack';

/** /down answers 500 (every attempt fails), /gone 410 (the webhook is disabled), the rest 200. */
const respond: Responder = (req, res) => {
  if (req.path.startsWith('/down')) return void res.writeHead(500).end('down');
  if (req.path.startsWith('/gone')) return void res.writeHead(410).end('gone');
  res.writeHead(200).end('ok');
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

describe('webhooks in trouble, in the dashboard (Chromium)', () => {
  it('shows a banner over the documentations while a webhook fails, the failing and disabled states with their start, and no banner once it recovers', async () => {
    const { apiKey: key } = await stack.tenant();
    const slug = `trouble-${uniqueSuffix()}`;
    expect((await stack.call(key, 'POST', '/v1/documentations', { slug, name: 'Billing API' })).status).toBe(201);

    // Nothing failing yet: no banner.
    const page = await openPage();
    await page.goto(`${stack.baseUrl}/#key=${key}`);
    await page.getByRole('link', { name: 'Billing API' }).first().waitFor();
    expect(await page.getByTestId('failing-banner').count()).toBe(0);

    const down = (await stack.call(key, 'POST', `/v1/documentations/${slug}/webhooks`, { url: stack.receiver.url('/down/billing') })).body as { id: string };
    const gone = (await stack.call(key, 'POST', `/v1/documentations/${slug}/webhooks`, { url: stack.receiver.url('/gone/billing') })).body as { id: string };
    expect((await stack.call(key, 'POST', `/v1/documentations/${slug}/events`, structureChange())).status).toBe(202);
    const failing = await eventually(async () => {
      const webhook = (await stack.call(key, 'GET', `/v1/webhooks/${down.id}`)).body as { failingSince: string | null };
      expect(webhook.failingSince).not.toBeNull();
      return webhook as { failingSince: string };
    });
    const disabled = await eventually(async () => {
      const webhook = (await stack.call(key, 'GET', `/v1/webhooks/${gone.id}`)).body as { enabled: boolean; disabledAt: string };
      expect(webhook.enabled).toBe(false);
      return webhook;
    });
    const shown = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));

    // The documentations list: one webhook failing (the disabled one is not "failing"), since when, and a way to it.
    await page.reload();
    const banner = page.getByTestId('failing-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('1 webhook is failing');
    expect(text).toContain(stack.receiver.url('/down/billing'));
    expect(text).toContain(`failing since ${shown(failing.failingSince)}`);
    expect(text).not.toContain('/gone/billing');

    // Its integrations page: the failing state and the disabled one, each with its start.
    await banner.getByRole('link', { name: 'Billing API' }).click();
    const downCard = page.locator(`[data-webhook-id="${down.id}"]`);
    await downCard.getByTestId('failing-notice').waitFor();
    expect(await downCard.getByTestId('failing-notice').innerText()).toContain(`Failing since ${shown(failing.failingSince)}`);
    expect(await downCard.locator('.badges .badge-warning').innerText()).toBe('Failing');
    const goneCard = page.locator(`[data-webhook-id="${gone.id}"]`);
    expect(await goneCard.getByTestId('disabled-notice').innerText()).toContain(`Hookline disabled this webhook on ${shown(disabled.disabledAt)}`);
    expect(await goneCard.getByTestId('failing-notice').count()).toBe(0);

    // The endpoint is fixed and a delivery succeeds: the failing state ends, and so does the banner.
    expect((await stack.call(key, 'PATCH', `/v1/webhooks/${down.id}`, { url: stack.receiver.url('/fixed/billing') })).status).toBe(200);
    expect((await stack.call(key, 'POST', `/v1/webhooks/${down.id}/test`)).status).toBe(202);
    await eventually(async () => expect((await stack.call(key, 'GET', `/v1/webhooks/${down.id}`)).body.failingSince).toBeNull());
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('link', { name: 'Billing API' }).first().waitFor();
    expect(await page.getByTestId('failing-banner').count()).toBe(0);
  }, 90_000);
});
