import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from './chromium';

/** Debian's chromium package; nothing is downloaded. HOOKLINE_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.HOOKLINE_CHROMIUM || '/usr/bin/chromium';

/** Installs Debian's chromium first when it is missing and this process may (see chromium.ts). */
export function launchChromium(): Promise<Browser> {
  ensureChromium(CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Every run keeps its screenshots in test-results/ (ignored by git) for
 * looking at a failure; UPDATE_SCREENSHOTS=1 also refreshes the ones in
 * docs/screenshots that the README shows.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dirs = [path.join(ROOT, 'test-results/screenshots')];
  if (process.env.UPDATE_SCREENSHOTS === '1') dirs.push(path.join(ROOT, 'docs/screenshots'));
  const image = await page.screenshot({ fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide' });
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.png`), image);
  }
}

/** Retries an assertion until it passes: the page polls and the worker delivers in their own time. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
