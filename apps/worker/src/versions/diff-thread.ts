// The entry of the thread a diff runs in (see diff-runner.ts): two
// definitions in as JSON text, the comparison out. Nothing else runs here.
import { parentPort } from 'node:worker_threads';
import { compareDefinitions, type CompareOptions, type DefinitionObject } from '@hookline/definitions';

export interface DiffRequest {
  before: string;
  after: string;
  options: CompareOptions;
}

async function compare(request: DiffRequest) {
  return compareDefinitions(JSON.parse(request.before) as DefinitionObject, JSON.parse(request.after) as DefinitionObject, request.options);
}

parentPort!.once('message', (request: DiffRequest) => {
  compare(request).then(
    (comparison) => parentPort!.postMessage({ ok: true, comparison }),
    (error: unknown) => parentPort!.postMessage({ ok: false, message: (error as Error).message ?? String(error) }),
  );
});
