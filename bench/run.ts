import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { ALL_PREFIXES, BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_RETRY_SCHEDULE, PRODUCERS, REPO_ROOT, WORKER_CONCURRENCY } from './lib/config';
import { compileWorker } from './lib/compile';
import { openBenchDatabase, resetQueues, truncateAll } from './lib/database';
import { updateDocs } from './lib/docs';
import { killAllChildren } from '../test/support/processes';
import { formatProfile, summarizeCpuProfile } from './lib/profile';
import { Progress } from './lib/progress';
import { startOtlpSink } from './lib/otlp-sink';
import { startReceiver } from './lib/receiver-client';
import { TABLE_HEADER, computeRatios, computeTargets, plotInput, ratioLines, tableRows, targetLines, textTable } from './lib/report';
import type { BenchReport, PipelineResult } from './lib/results';
import { WARM_UP_EVENTS, runCeiling, runDue, runPipeline, type BenchContext } from './lib/scenarios';
import { renderPlot } from './lib/svg';

interface Options {
  quick: boolean;
  outDir: string;
  receiver: 'child' | 'inline';
  only: Set<string> | null;
  docs: boolean;
  /** Also run hookline-fanout1-traced: the same pipeline exporting spans over OTLP/HTTP. */
  tracing: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, outDir: path.join(REPO_ROOT, 'bench/results'), receiver: 'child', only: null, docs: true, tracing: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = () => {
      const inline = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (inline === undefined) throw new Error(`${arg} needs a value`);
      return inline;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      options.outDir = path.resolve(value());
      options.docs = false;
    } else if (arg === '--receiver' || arg.startsWith('--receiver=')) {
      const mode = value();
      if (mode !== 'child' && mode !== 'inline') throw new Error('--receiver is child or inline');
      options.receiver = mode;
    } else if (arg === '--only' || arg.startsWith('--only=')) options.only = new Set(value().split(','));
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--tracing') options.tracing = true;
    else if (arg === '--help') {
      process.stdout.write('npm run bench [-- --quick] [--out DIR] [--receiver child|inline] [--only name,name] [--no-docs] [--tracing]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

/**
 * How long and how big: posting is time-boxed (the caps only bound memory), so
 * a run takes about the same time whatever the machine does per second. The
 * full run fits in 10 minutes and --quick in 90 s on 2 cores.
 */
function plan(quick: boolean) {
  return quick
    ? { budgetS: 90, hardStopS: 240, postSeconds: 2, cap1: 50_000, cap10: 10_000, naiveCap10: 300, ceilingJobs: 10_000, ceilingWorkers: [1], due: 10_000, naiveDue: 0, compiledDue: false, oneOrigin: false, paced: false, separateProfile: false, drainTimeoutMs: 15_000 }
    : { budgetS: 600, hardStopS: 590, postSeconds: 15, cap1: 200_000, cap10: 50_000, naiveCap10: 300, ceilingJobs: 50_000, ceilingWorkers: [1, 2, 4], due: 10_000, naiveDue: 3_000, compiledDue: false, oneOrigin: true, paced: true, separateProfile: true, drainTimeoutMs: 90_000 };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sizes = plan(options.quick);
  // Hookline's API and worker run from their bundles: build them from the current sources.
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
  const startedAt = Date.now();
  // The budget is a target, reported with the results. The hard stop only bounds a run that hangs: waits give
  // up shortly before it (leaving time to stop the processes and write the files), the watchdog kills at it.
  const deadline = startedAt + (sizes.hardStopS - 15) * 1000;
  const progress = new Progress();
  const wanted = (name: string) => options.only === null || options.only.has(name);

  const abort = (why: string, code: number) => {
    progress.endLine();
    process.stderr.write(`bench: ${why}; stopping the processes it started\n`);
    killAllChildren();
    process.exit(code);
  };
  process.on('SIGINT', () => abort('interrupted', 130));
  process.on('SIGTERM', () => abort('terminated', 143));
  // Hard stop: whatever hangs, the run ends shortly after its budget.
  setTimeout(() => abort(`still running after ${sizes.hardStopS} s`, 2), sizes.hardStopS * 1000).unref();

  mkdirSync(options.outDir, { recursive: true });
  const profileDir = path.join(options.outDir, 'profiles');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });

  progress.log(`Hookline benchmark (${options.quick ? 'quick' : 'full'}): ${cpus().length} cores, Node ${process.versions.node}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  progress.log(`database ${BENCH_DATABASE_URL}, redis ${BENCH_REDIS_URL}, results in ${path.relative(process.cwd(), options.outDir) || '.'}`);
  const db = await openBenchDatabase();
  const redis = new IORedis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const receiver = await startReceiver(options.receiver, 16);
  const ctx: BenchContext = { db, redis, receiver, progress, deadline, drainTimeoutMs: sizes.drainTimeoutMs };

  const report: BenchReport = {
    version: 1,
    mode: options.quick ? 'quick' : 'full',
    generatedAt: new Date().toISOString(),
    totalSeconds: 0,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.versions.node, loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100), memoryMb: Math.round(totalmem() / 2 ** 20) },
    setup: {
      producers: PRODUCERS,
      workerConcurrency: WORKER_CONCURRENCY,
      receiver: `${receiver.mode} process, ${receiver.ports.length} ports on 127.0.0.1 (one origin each); verifies X-Bump-Signature-256 and webhook-signature, dedupes on webhook-id`,
      retrySchedule: BENCH_RETRY_SCHEDULE,
      processes: 'node apps/api/dist/main.js and apps/worker/dist/main.js (bundled by scripts/build.mjs), each its own process; the naive baseline under tsx',
      sizes,
      warmUp: `${WARM_UP_EVENTS} events posted and delivered before each pipeline measurement, not counted`,
    },
    scenarios: {},
    ratios: { hooklineOverCeiling: null, hooklineOverNaive: null, hooklineOverNaiveFanout10: null, scaling4wOver1w: null, workerDrainOverCeiling: null },
    targets: [],
    profile: null,
    notes: [],
  };

  const record = (result: BenchReport['scenarios'][string]) => (report.scenarios[result.name] = result);
  try {
    for (const workers of sizes.ceilingWorkers) if (wanted(`ceiling-${workers}w`)) record(await runCeiling(ctx, `ceiling-${workers}w`, workers, sizes.ceilingJobs));
    const post = sizes.postSeconds;
    if (wanted('hookline-fanout1') || wanted('scaling-1w')) {
      // --quick profiles this run instead of a separate one (the profiler costs a few per cent).
      const profiled = !sizes.separateProfile && wanted('profile');
      const result = record(
        await runPipeline(ctx, { name: 'hookline-fanout1', impl: 'hookline', workers: 1, fanout: 1, events: sizes.cap1, postSeconds: post, cpuProfileDir: profiled ? profileDir : undefined }),
      ) as PipelineResult;
      // The one-worker point of the scaling series is this same run.
      record({ ...result, name: 'scaling-1w' });
      if (profiled) record({ ...result, name: 'profile' });
    }
    if (options.tracing || options.only?.has('hookline-fanout1-traced')) {
      // The same run with OTEL_EXPORTER_OTLP_ENDPOINT set, spans sampled and exported to a local sink: what tracing costs.
      const sink = await startOtlpSink();
      try {
        const traced = record(
          await runPipeline(ctx, { name: 'hookline-fanout1-traced', impl: 'hookline', workers: 1, fanout: 1, events: sizes.cap1, postSeconds: post, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } }),
        ) as PipelineResult;
        report.notes.push(tracingNote(report.scenarios['hookline-fanout1'], traced, sink.requests(), sink.bytes()));
      } finally {
        await sink.close();
      }
    }
    if (wanted('hookline-fanout10')) record(await runPipeline(ctx, { name: 'hookline-fanout10', impl: 'hookline', workers: 1, fanout: 10, events: sizes.cap10, postSeconds: post }));
    if (wanted('naive-fanout1')) record(await runPipeline(ctx, { name: 'naive-fanout1', impl: 'naive', workers: 1, fanout: 1, events: sizes.cap1, postSeconds: post }));
    // Capped: the naive worker falls behind at fan-out 10 and its backlog would outlast the budget.
    if (wanted('naive-fanout10')) record(await runPipeline(ctx, { name: 'naive-fanout10', impl: 'naive', workers: 1, fanout: 10, events: sizes.naiveCap10, postSeconds: post }));
    for (const workers of [2, 4]) {
      if (wanted(`scaling-${workers}w`)) record(await runPipeline(ctx, { name: `scaling-${workers}w`, impl: 'hookline', workers, fanout: 1, events: sizes.cap1, postSeconds: post }));
    }
    const fanout1 = report.scenarios['hookline-fanout1'];
    if (sizes.paced && wanted('hookline-ingest-paced') && fanout1?.kind === 'pipeline') {
      // The answer time at a quarter of what the API sustained back to back, rather than at saturation.
      const rate = Math.max(20, Math.round(fanout1.events.perSecond / 4));
      record(await runPipeline(ctx, { name: 'hookline-ingest-paced', impl: 'hookline', workers: 1, fanout: 1, events: sizes.cap1, postSeconds: post, ratePerSecond: rate }));
    }
    if (wanted('due-10k')) record(await runDue(ctx, 'due-10k', 'hookline', sizes.due));
    if (sizes.oneOrigin && wanted('due-10k-one-origin')) {
      // Every webhook on one host: the per-origin in-flight cap (a quarter of the concurrency) decides the pace.
      record(await runDue(ctx, 'due-10k-one-origin', 'hookline', sizes.due, { origins: 'single' }));
    }
    if (sizes.compiledDue && wanted('due-10k-compiled')) {
      // What tsx costs: the same worker as one plain-JavaScript bundle.
      const compiled = await compileWorker();
      if (compiled) record(await runDue(ctx, 'due-10k-compiled', 'hookline', sizes.due, { compiledWorker: compiled }));
      else report.notes.push('due-10k-compiled skipped: esbuild is not installed');
    }
    if (sizes.naiveDue > 0 && wanted('naive-due')) record(await runDue(ctx, 'naive-due', 'naive', sizes.naiveDue));
    if (sizes.separateProfile && wanted('profile')) {
      record(await runPipeline(ctx, { name: 'profile', impl: 'hookline', workers: 1, fanout: 1, events: sizes.cap1, postSeconds: post, cpuProfileDir: profileDir }));
    }
    if (sizes.separateProfile && wanted('profile')) {
      // The worker alone at full speed: the pipeline above keeps it waiting for the API.
      await runDue(ctx, 'profile-worker-drain', 'hookline', sizes.due, { cpuProfileDir: path.join(profileDir, 'drain') });
    }
    if (wanted('profile')) {
      const summarize = (dir: string, label: string) =>
        readdirSync(dir)
          .filter((name) => name !== 'drain')
          .flatMap((name) => {
            const main = readdirSync(path.join(dir, name)).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
            return main ? [summarizeCpuProfile(path.join(dir, name, main), `${name.replace(/-\d+$/, '')}${label}`)] : [];
          });
      report.profile = {
        scenario: `${sizes.separateProfile ? 'profile' : 'hookline-fanout1'} (API and worker under --cpu-prof, main threads)${sizes.separateProfile ? ', and one worker draining 10,000 due jobs' : ''}`,
        processes: [...summarize(profileDir, ' (pipeline)'), ...(existsSync(path.join(profileDir, 'drain')) ? summarize(path.join(profileDir, 'drain'), ' (drain)') : [])],
      };
    }
  } finally {
    await resetQueues(redis, ALL_PREFIXES).catch(() => undefined);
    await truncateAll(db).catch(() => undefined);
    await receiver.close();
    await redis.quit();
    await db.close();
  }

  report.totalSeconds = Math.round((Date.now() - startedAt) / 100) / 10;
  report.ratios = computeRatios(report);
  report.targets = computeTargets(report, sizes.budgetS);
  for (const result of Object.values(report.scenarios)) {
    if (result.kind !== 'ceiling' && (result.deliveries.lost > 0 || !result.deliveries.complete)) report.notes.push(`${result.name}: ${result.deliveries.lost} deliveries did not arrive in time`);
  }

  writeFileSync(path.join(options.outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(options.outDir, 'latest.svg'), renderPlot(plotInput(report)));
  if (options.docs && !options.quick && options.only === null) updateDocs(report);

  progress.endLine();
  const out = [
    '',
    textTable(TABLE_HEADER, tableRows(report)),
    '',
    ...ratioLines(report),
    '',
    ...targetLines(report.targets),
    ...(report.profile ? ['', ...report.profile.processes.map(formatProfile)] : []),
    ...report.notes.map((n) => `note: ${n}`),
    '',
    `wrote ${path.join(options.outDir, 'latest.json')} and latest.svg in ${report.totalSeconds} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Traced over untraced: events/s, deliveries/s and ingest p50/p99, as one line of the report. */
function tracingNote(untraced: BenchReport['scenarios'][string] | undefined, traced: PipelineResult, exports: number, bytes: number): string {
  const r = (a: number | null | undefined, b: number | null | undefined) => (a && b ? (a / b).toFixed(3) : 'n/a');
  const base = untraced?.kind === 'pipeline' ? untraced : null;
  return (
    `tracing on / off (hookline-fanout1-traced / hookline-fanout1): events/s ${r(traced.events.perSecond, base?.events.perSecond)}, ` +
    `deliveries/s ${r(traced.deliveredPerSecond, base?.deliveredPerSecond)}, ingest p50 ${r(traced.ingestMs?.p50, base?.ingestMs?.p50)}, ` +
    `ingest p99 ${r(traced.ingestMs?.p99, base?.ingestMs?.p99)}, API CPU per delivery ${r(traced.cpuMsPerDelivery?.api, base?.cpuMsPerDelivery?.api)}, ` +
    `worker CPU per delivery ${r(traced.cpuMsPerDelivery?.workers, base?.cpuMsPerDelivery?.workers)}; ${exports} OTLP exports, ${Math.round(bytes / 1024)} KiB`
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
