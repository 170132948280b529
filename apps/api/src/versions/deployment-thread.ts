// The entry of the thread a large deploy is parsed and validated in (see deployment-runner.ts).
import { parentPort } from 'node:worker_threads';
import { HttpProblem } from '../problem';
import { prepareDeployment } from './deployment';

parentPort!.once('message', (request: { text: string; yaml: boolean }) => {
  prepareDeployment(request.text, request.yaml).then(
    (prepared) => parentPort!.postMessage({ ok: true, prepared }),
    (error: unknown) =>
      parentPort!.postMessage(
        error instanceof HttpProblem
          ? { ok: false, problem: { status: error.status, kind: error.kind, title: error.title, detail: error.detail, errors: error.errors } }
          : { ok: false, message: (error as Error).message ?? String(error) },
      ),
  );
});
