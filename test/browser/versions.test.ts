import type { Browser, BrowserContext, Page } from 'playwright-core';
import { paymentsApi, withRefunds, withTextEdits, withoutGetCharge } from '../support/definitions';
import { uniqueSuffix } from '../support/fixtures';
import { eventually, launchChromium, screenshot } from './browser';
import { startStack, type Stack } from './stack';

const LONG = 90_000;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let key: string;
let slug: string;

const deploy = async (definition: object) => {
  const answer = await stack.call(key, 'POST', `/v1/documentations/${slug}/versions`, definition);
  expect(answer.status).toBe(202);
  await eventually(async () => expect((await stack.call(key, 'GET', `/v1/versions/${answer.body.id}`)).body.status).toBe('done'), 30_000);
  return answer.body.id as string;
};

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  key = (await stack.tenant()).apiKey;
  slug = `payments-${uniqueSuffix()}`;
  expect((await stack.call(key, 'POST', '/v1/documentations', { slug, name: 'Payments API' })).status).toBe(201);
  expect((await stack.call(key, 'POST', `/v1/documentations/${slug}/webhooks`, { url: stack.receiver.url('/hook') })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.close();
});

describe('the Versions page', () => {
  it('shows the changelog with each diff as a tree, breaking items marked, and links to the deliveries a version caused', async () => {
    await deploy(paymentsApi());
    await deploy(withTextEdits(paymentsApi('1.0.1')));
    await deploy(withRefunds(paymentsApi('1.1.0')));
    const breaking = await deploy(withoutGetCharge(withRefunds(paymentsApi('2.0.0'))));
    await stack.receiver.waitFor(2);

    await page.goto(`${stack.baseUrl}/documentations/${slug}/versions#key=${key}`);
    await page.getByRole('heading', { name: /Versions/ }).waitFor();
    const versions = page.getByTestId('version');
    await eventually(async () => expect(await versions.count()).toBe(4));

    // Newest first.
    const newest = versions.first();
    expect(await newest.getAttribute('data-version-id')).toBe(breaking);
    expect(await newest.getByTestId('version-summary').innerText()).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    const item = newest.getByTestId('diff-item').first();
    expect(await item.getAttribute('data-status')).toBe('removed');
    expect(await item.getAttribute('data-breaking')).toBe('true');
    expect(await item.innerText()).toContain('Removed');
    expect(await item.innerText()).toContain('GET /charges/{id}');
    expect(await item.getByText('Breaking').count()).toBe(1);

    const added = versions.nth(1).getByTestId('diff-item').first();
    expect(await added.getAttribute('data-status')).toBe('added');
    expect(await added.getAttribute('data-breaking')).toBe('false');
    expect(await added.innerText()).toContain('POST /refunds');

    await eventually(async () => expect(await newest.getByTestId('delivery-link').count()).toBe(1));
    expect(await versions.nth(2).innerText()).toContain('Notified nobody');
    expect(await versions.nth(3).innerText()).toContain('First version');
    expect(await versions.nth(3).innerText()).not.toContain('Notified nobody');
    await screenshot(page, 'versions');

    // The link leads to the Integrations page, whose recent deliveries show each event's change summary.
    await newest.getByTestId('delivery-link').click();
    await page.getByRole('heading', { name: /Integrations/ }).waitFor();
    const summaries = page.getByTestId('delivery-summary');
    await eventually(async () => expect(await summaries.count()).toBe(2));
    expect(await summaries.first().innerText()).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    expect(await summaries.nth(1).innerText()).toBe('1 change, 0 breaking: added POST /refunds');
  }, LONG);
});
