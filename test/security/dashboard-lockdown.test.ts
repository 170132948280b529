import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../browser/browser';
import { DASHBOARD_DIST, startStack, type Stack } from '../browser/stack';
import { uniqueSuffix } from '../support/fixtures';

/**
 * The dashboard holds a key that can delete webhooks and reveal secrets. In
 * Chromium: another origin cannot frame it, the policy breaks nothing the
 * dashboard does, a #key= link cannot silently switch organizations, and
 * nothing carrying a secret is cached.
 */
let stack: Stack;
let browser: Browser;
let framer: Server;
let framerUrl: string;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<{ page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  return { page, cspViolations };
}

const storedKey = (page: Page) => page.evaluate('localStorage.getItem("hookline.apiKey")');

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  // Another origin (another port) that frames whatever path it is asked for, and a page of its own as the control.
  framer = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '/own';
    if (req.url === '/own') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p id="own">framable</p>');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><h1>Win a prize</h1><iframe id="victim" src="${target}" width="1000" height="700"></iframe>`);
  });
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  framer?.closeAllConnections();
  await new Promise((resolve) => framer?.close(resolve));
  await stack?.close();
});

describe('dashboard lockdown (Chromium)', () => {
  it('sends a strict policy, nosniff, no referrer, and does not cache index.html', async () => {
    const answer = await fetch(`${stack.baseUrl}/`, { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    const deepLink = await fetch(`${stack.baseUrl}/documentations/x/integrations`, { headers: { accept: 'text/html' } });
    expect(deepLink.headers.get('cache-control')).toBe('no-cache');
    const api = await fetch(`${stack.baseUrl}/v1/documentations`);
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('ships no inline script and serves no source map', async () => {
    const html = readFileSync(path.join(DASHBOARD_DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const assets = readdirSync(path.join(DASHBOARD_DIST, 'assets'));
    const js = assets.find((name) => name.endsWith('.js'))!;
    const served = await fetch(`${stack.baseUrl}/assets/${js}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(await served.text()).not.toContain('sourceMappingURL');
    for (const map of [...assets.filter((name) => name.endsWith('.map')), `${js}.map`]) {
      expect((await fetch(`${stack.baseUrl}/assets/${map}`)).status).toBe(404);
    }
  });

  it('cannot be framed by a page on another port, even signed in', async () => {
    const { apiKey } = await stack.tenant();
    const { page } = await openPage();
    await page.goto(`${stack.baseUrl}/#key=${apiKey}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // The control: the same framing page shows a frame that allows it, so a blank frame below means refused.
    await page.goto(`${framerUrl}/?src=${encodeURIComponent(`${framerUrl}/own`)}`);
    await page.frameLocator('#victim').locator('#own').waitFor();

    await page.goto(`${framerUrl}/?src=${encodeURIComponent(`${stack.baseUrl}/`)}`);
    await page.locator('#victim').waitFor();
    await page.waitForTimeout(1_000);
    const victim = page.frames().find((frame) => frame !== page.mainFrame())!;
    expect(victim.url()).not.toBe(`${stack.baseUrl}/`);
    expect(await page.frameLocator('#victim').getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.frameLocator('#victim').getByRole('button').count()).toBe(0);
  }, 60_000);

  it('runs under the policy without a single violation', async () => {
    const { apiKey } = await stack.tenant();
    const slug = `csp-${uniqueSuffix()}`;
    expect((await stack.call(apiKey, 'POST', '/v1/documentations', { slug, name: 'Policy API' })).status).toBe(201);
    const created = await stack.call(apiKey, 'POST', `/v1/documentations/${slug}/webhooks`, { url: stack.receiver.url('/csp') });
    expect(created.status).toBe(201);
    const { page, cspViolations } = await openPage();
    await page.goto(`${stack.baseUrl}/documentations/${slug}/integrations#key=${apiKey}`);
    await page.getByTestId('webhook-card').waitFor();
    await page.getByRole('button', { name: 'Reveal' }).click();
    await page.getByRole('button', { name: 'Hide' }).waitFor();
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('asks before a #key= link switches organizations, and keeps the key in use unless told otherwise', async () => {
    const mine = await stack.tenant();
    const theirs = await stack.tenant();
    const { page } = await openPage();
    await page.goto(`${stack.baseUrl}/#key=${mine.apiKey}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await storedKey(page)).toBe(mine.apiKey);

    // Opened fresh (a link from an e-mail or another site) …
    await page.goto('about:blank');
    await page.goto(`${stack.baseUrl}/#key=${theirs.apiKey}`);
    const prompt = page.getByTestId('key-switch');
    await prompt.waitFor();
    expect(await prompt.innerText()).toContain('another organization');
    expect(await storedKey(page)).toBe(mine.apiKey);
    expect(page.url()).toBe(`${stack.baseUrl}/`);
    await prompt.getByRole('button', { name: /^Stay signed in/ }).click();
    await prompt.waitFor({ state: 'detached' });
    expect(await storedKey(page)).toBe(mine.apiKey);

    // … or while the page is open (only the hash changes).
    await page.evaluate(`location.hash = "key=${theirs.apiKey}"`);
    await prompt.waitFor();
    expect(await storedKey(page)).toBe(mine.apiKey);
    await prompt.getByRole('button', { name: /^Switch to/ }).click();
    await prompt.waitFor({ state: 'detached' });
    expect(await storedKey(page)).toBe(theirs.apiKey);
  }, 60_000);

  it('uses a link’s key without asking when the stored one no longer works', async () => {
    const fresh = await stack.tenant();
    const { page } = await openPage();
    await page.goto(`${stack.baseUrl}/`);
    // A key this browser kept that the API no longer accepts (revoked, or from another installation).
    await page.evaluate('localStorage.setItem("hookline.apiKey", "hk_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbb")');
    await page.goto('about:blank');
    await page.goto(`${stack.baseUrl}/#key=${fresh.apiKey}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByTestId('key-switch').count()).toBe(0);
    expect(await storedKey(page)).toBe(fresh.apiKey);
  }, 60_000);

  it('marks every answer carrying a secret or key no-store', async () => {
    const { apiKey } = await stack.tenant();
    const slug = `ns-${uniqueSuffix()}`;
    const headersOf = async (method: string, route: string, body?: unknown) =>
      (await fetch(stack.baseUrl + route, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).headers;
    await headersOf('POST', '/v1/documentations', { slug, name: 'No store' });
    const created = await fetch(`${stack.baseUrl}/v1/documentations/${slug}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/x' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { id } = (await created.json()) as { id: string };
    expect((await headersOf('GET', `/v1/webhooks/${id}/secret`)).get('cache-control')).toBe('no-store');
    expect((await headersOf('POST', `/v1/webhooks/${id}/rotate-secret`)).get('cache-control')).toBe('no-store');
  });
});
