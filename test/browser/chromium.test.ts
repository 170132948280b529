import { DEBIAN_CHROMIUM, ensureChromium, planChromium, type ChromiumHost } from './chromium';

const host = (over: Partial<ChromiumHost>): ChromiumHost => ({ executable: () => false, isRoot: false, hasApt: false, ...over });

describe('the browser suite’s Chromium', () => {
  it('uses the one that is there', () => {
    expect(planChromium(DEBIAN_CHROMIUM, host({ executable: () => true }))).toEqual({ action: 'use' });
  });

  it('installs Debian’s chromium when it is missing and it runs as root with apt-get', () => {
    expect(planChromium(DEBIAN_CHROMIUM, host({ isRoot: true, hasApt: true }))).toEqual({ action: 'install' });
  });

  it.each([
    ['not root', host({ hasApt: true })],
    ['no apt-get', host({ isRoot: true })],
  ])('fails with one line giving the command when it cannot install (%s)', (_why, h) => {
    const plan = planChromium(DEBIAN_CHROMIUM, h);
    expect(plan).toEqual({ action: 'fail', message: expect.stringContaining('apt-get install -y -qq chromium') });
    expect((plan as { message: string }).message).not.toContain('\n');
  });

  it('never installs over a path HOOKLINE_CHROMIUM chose, and says so on one line without a stack', () => {
    const missing = '/nonexistent/chromium';
    expect(planChromium(missing, host({ isRoot: true, hasApt: true })).action).toBe('fail');
    let thrown: Error | undefined;
    try {
      ensureChromium(missing);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(/^The browser tests need Chromium at \/nonexistent\/chromium, which is missing: .*HOOKLINE_CHROMIUM/);
    expect(thrown?.stack).toBe(thrown?.message);
  });
});
