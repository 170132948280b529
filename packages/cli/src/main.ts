import { run } from './cli';
import { consoleOutput } from './output';

run(process.argv.slice(2), { env: process.env, out: consoleOutput() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hookline: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 3;
  },
);
