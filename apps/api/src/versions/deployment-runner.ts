import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HttpProblem, type FieldError } from '../problem';
import { prepareDeployment, type PreparedDeployment } from './deployment';

/** Below this, parsing and validating takes a few milliseconds: not worth a thread. */
export const DEFAULT_INLINE_BELOW_BYTES = 256 * 1024;
const TIMEOUT_MS = 60_000;

const threadFile = () => {
  const bundled = path.join(__dirname, 'deployment-thread.js');
  return existsSync(bundled) ? bundled : path.join(__dirname, 'deployment-thread-dev.cjs');
};

type ThreadAnswer =
  | { ok: true; prepared: PreparedDeployment }
  | { ok: false; problem: { status: number; kind: string; title: string; detail: string; errors?: FieldError[] } }
  | { ok: false; message: string };

/**
 * Validating GitHub's 13 MB definition is about 2 s of CPU: done in a thread
 * of its own, so the API's event loop keeps serving (ingest included). Its
 * heap is bounded: a definition that would exhaust it is refused, the API
 * stays up.
 */
export function prepareInThread(text: string, yaml: boolean): Promise<PreparedDeployment> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(threadFile(), { resourceLimits: { maxOldGenerationSizeMb: 2048 }, stdout: false, stderr: false });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void thread.terminate();
      outcome();
    };
    const tooBig = (why: string) => new HttpProblem(422, 'definition-too-complex', 'Unprocessable Content', `The definition could not be validated: ${why}.`, [{ path: '(definition)', message: why }]);
    const timer = setTimeout(() => finish(() => reject(tooBig(`validation took longer than ${TIMEOUT_MS / 1000} s`))), TIMEOUT_MS);
    thread.once('message', (answer: ThreadAnswer) =>
      finish(() => {
        if (answer.ok) return resolve(answer.prepared);
        if ('problem' in answer) {
          const { status, kind, title, detail, errors } = answer.problem;
          return reject(new HttpProblem(status, kind, title, detail, errors));
        }
        reject(new Error(answer.message));
      }),
    );
    thread.once('error', (error) => finish(() => reject((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooBig('it needs more memory than allowed') : error)));
    thread.once('exit', (code) => finish(() => reject(new Error(`the validation thread exited (code ${code})`))));
    thread.postMessage({ text, yaml });
  });
}

export function prepare(text: string, yaml: boolean, inlineBelowBytes = DEFAULT_INLINE_BELOW_BYTES): Promise<PreparedDeployment> {
  return text.length < inlineBelowBytes ? prepareDeployment(text, yaml) : prepareInThread(text, yaml);
}
