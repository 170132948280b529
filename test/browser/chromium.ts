import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const INSTALL_COMMAND = 'apt-get update -qq && apt-get install -y -qq chromium';

export interface ChromiumHost {
  executable(path: string): boolean;
  isRoot: boolean;
  hasApt: boolean;
}

export type ChromiumPlan = { action: 'use' } | { action: 'install' } | { action: 'fail'; message: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function currentHost(): ChromiumHost {
  return {
    executable,
    isRoot: process.getuid?.() === 0,
    hasApt: spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0,
  };
}

/**
 * What the browser suite does about its Chromium: use it, install Debian's
 * package (only for the default path, only as root with apt-get, as CI
 * machines are), or fail with the one command that fixes it.
 */
export function planChromium(path: string, host: ChromiumHost): ChromiumPlan {
  if (host.executable(path)) return { action: 'use' };
  if (path === DEBIAN_CHROMIUM && host.isRoot && host.hasApt) return { action: 'install' };
  const fix = path === DEBIAN_CHROMIUM ? `sudo sh -c '${INSTALL_COMMAND}'` : `install Chromium there, or unset HOOKLINE_CHROMIUM to use ${DEBIAN_CHROMIUM} (${INSTALL_COMMAND})`;
  return { action: 'fail', message: `The browser tests need Chromium at ${path}, which is missing: ${fix}` };
}

/** An error Jest prints as its one line: no stack to bury the command under. */
function oneLineError(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

export function ensureChromium(path: string, host: ChromiumHost = currentHost()): void {
  const plan = planChromium(path, host);
  if (plan.action === 'use') return;
  if (plan.action === 'fail') throw oneLineError(plan.message);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const run = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 10 * 60_000 });
    if (run.status !== 0) throw oneLineError(`apt-get ${args.join(' ')} failed (${(run.stderr || run.error?.message || '').trim().split('\n').pop()}): run ${INSTALL_COMMAND}`);
  }
  if (!host.executable(path)) throw oneLineError(`apt-get installed chromium but ${path} is still missing`);
}
