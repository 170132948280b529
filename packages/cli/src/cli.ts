import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiError, HooklineClient } from './client';
import { diffLines, type DiffItem, type Output, type Summary } from './output';

export const USAGE = `Usage:
  hookline deploy <definition> --doc <documentation> [--fail-on-breaking] [--timeout <seconds>] [--markdown]
  hookline diff <previous> <current> [--fail-on-breaking] [--markdown]
  hookline diff <definition> --doc <documentation> [--fail-on-breaking] [--markdown]

Environment: HOOKLINE_URL (default http://localhost:3000), HOOKLINE_API_KEY (required).
Exit codes: 0 done, 1 breaking change with --fail-on-breaking, 2 bad usage or definition, 3 Hookline unreachable or failed.`;

export const EXIT = { ok: 0, breaking: 1, usage: 2, failed: 3 } as const;

interface Version {
  id: string;
  status: 'pending' | 'done' | 'failed';
  version: string;
  diff: { breaking?: boolean; details?: DiffItem[] } | null;
  summary: Summary | null;
  eventId: string | null;
  error: string | null;
}

export interface CliContext {
  env: NodeJS.ProcessEnv;
  out: Output & { color: boolean };
  /** Between polls of a pending version. */
  pollMs?: number;
}

const mediaType = (file: string, text: string) => (/\.ya?ml$/i.test(file) || !/^\s*[{[]/.test(text) ? 'application/yaml' : 'application/json');

function printProblem(out: Output, error: ApiError): void {
  out.error(`hookline: ${error.problem.status ? `${error.problem.status} ` : ''}${error.message}`);
  for (const issue of error.problem.errors ?? []) out.error(`  ${issue.path}: ${issue.message}`);
}

async function readDefinition(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

class UsageError extends Error {}

function printDiff(ctx: CliContext, summary: Summary, items: DiffItem[], markdown: boolean): void {
  if (markdown) ctx.out.write(summary.markdown);
  else for (const line of diffLines(summary, items, ctx.out.color)) ctx.out.write(line);
}

async function deploy(ctx: CliContext, client: HooklineClient, args: { file: string; doc: string; failOnBreaking: boolean; timeoutS: number; markdown: boolean }): Promise<number> {
  const text = await readDefinition(args.file);
  const accepted = await client.request<{ id: string }>('POST', `/v1/documentations/${encodeURIComponent(args.doc)}/versions`, { text, type: mediaType(args.file, text) });
  const location = accepted.location ?? `/v1/versions/${accepted.body.id}`;
  if (!ctx.out.color) ctx.out.write(`deployed ${args.file} to ${args.doc} as version ${accepted.body.id}; waiting for its diff`);
  const deadline = Date.now() + args.timeoutS * 1000;
  let version: Version;
  for (;;) {
    version = (await client.request<Version>('GET', location)).body;
    if (version.status !== 'pending') break;
    if (Date.now() > deadline) {
      ctx.out.error(`hookline: version ${version.id} is still pending after ${args.timeoutS} s`);
      return EXIT.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs ?? 500));
  }
  if (version.status === 'failed') {
    ctx.out.error(`hookline: the diff of version ${version.id} failed: ${version.error}`);
    return EXIT.failed;
  }
  printDiff(ctx, version.summary ?? { text: 'No structural changes', markdown: 'No structural changes' }, version.diff?.details ?? [], args.markdown);
  ctx.out.write(version.eventId ? `notified: event ${version.eventId}` : 'no notification: nothing structural changed');
  return args.failOnBreaking && version.diff?.breaking === true ? EXIT.breaking : EXIT.ok;
}

async function diff(ctx: CliContext, client: HooklineClient, args: { files: string[]; doc?: string; failOnBreaking: boolean; markdown: boolean }): Promise<number> {
  const texts = await Promise.all(args.files.map(readDefinition));
  const body = args.doc ? { documentation: args.doc, definition: texts[0] } : { previous: texts[0], current: texts[1] };
  const answer = await client.request<{ diff: { breaking: boolean; details: DiffItem[] }; summary: Summary }>('POST', '/v1/diffs', { text: JSON.stringify(body), type: 'application/json' });
  printDiff(ctx, answer.body.summary, answer.body.diff.details, args.markdown);
  return args.failOnBreaking && answer.body.diff.breaking ? EXIT.breaking : EXIT.ok;
}

/** The whole CLI as a function of its arguments and environment: the exit code. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        doc: { type: 'string', short: 'd' },
        'fail-on-breaking': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '300' },
        markdown: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    ctx.out.error(`hookline: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...files] = positionals;
  if (values.help || command === undefined) {
    (values.help ? ctx.out.write : ctx.out.error)(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const usage = (message: string) => (ctx.out.error(`hookline: ${message}\n\n${USAGE}`), EXIT.usage);
  const apiKey = ctx.env.HOOKLINE_API_KEY;
  if (!apiKey) return usage('HOOKLINE_API_KEY is not set (an API key of the organization)');
  const baseUrl = ctx.env.HOOKLINE_URL || 'http://localhost:3000';
  try {
    new URL(baseUrl);
  } catch {
    return usage(`HOOKLINE_URL is not a URL: ${baseUrl}`);
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) return usage('--timeout must be a positive number of seconds');
  const client = new HooklineClient(baseUrl, apiKey);
  const common = { failOnBreaking: values['fail-on-breaking'], markdown: values.markdown };
  try {
    if (command === 'deploy') {
      if (files.length !== 1 || !values.doc) return usage('deploy takes one definition file and --doc <documentation>');
      return await deploy(ctx, client, { file: files[0]!, doc: values.doc, timeoutS, ...common });
    }
    if (command === 'diff') {
      if (values.doc ? files.length !== 1 : files.length !== 2) return usage('diff takes two definition files, or one and --doc <documentation>');
      return await diff(ctx, client, { files, doc: values.doc, ...common });
    }
    return usage(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof ApiError) {
      printProblem(ctx.out, error);
      return error.problem.status >= 400 && error.problem.status < 500 ? EXIT.usage : EXIT.failed;
    }
    throw error;
  }
}
