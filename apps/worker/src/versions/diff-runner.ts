import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompareOptions, Comparison } from '@hookline/definitions';

export interface DiffLimits {
  /** A diff still running after this is stopped and the version fails. */
  timeoutMs: number;
  /** Heap of the diff's thread: running out fails the version, not the worker process. */
  maxHeapMb: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { timeoutMs: 120_000, maxHeapMb: 1536 };

/** The comparison could not be made (bad input, out of time or memory): the version fails, retrying is useless. */
export class DiffFailed extends Error {
  override name = 'DiffFailed';
}

// Bundled: dist/diff-thread.js next to dist/main.js. From sources: the tsx bootstrap next to this file.
const threadFile = () => {
  const bundled = path.join(__dirname, 'diff-thread.js');
  return existsSync(bundled) ? bundled : path.join(__dirname, 'diff-thread-dev.cjs');
};

/**
 * Runs one comparison in a thread of its own, so the worker's event loop keeps
 * delivering (and renewing its job locks) during a diff of seconds, and a
 * definition that would exhaust memory or never finish takes only the thread
 * down.
 */
export function compareInThread(before: string, after: string, options: CompareOptions, limits: DiffLimits = DEFAULT_DIFF_LIMITS): Promise<Comparison> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(threadFile(), { resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb }, stdout: false, stderr: false });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void thread.terminate();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new DiffFailed(`the diff took longer than ${limits.timeoutMs} ms`))), limits.timeoutMs);
    thread.once('message', (message: { ok: true; comparison: Comparison } | { ok: false; message: string }) =>
      finish(() => (message.ok ? resolve(message.comparison) : reject(new DiffFailed(`the definitions could not be compared: ${message.message}`)))),
    );
    thread.once('error', (error) => finish(() => reject(new DiffFailed(`the diff stopped: ${error.message}`))));
    thread.once('exit', (code) => finish(() => reject(new DiffFailed(`the diff thread exited (code ${code})`))));
    thread.postMessage({ before, after, options });
  });
}
