import type { StoredOutcome } from './database';
import type { Implementation } from './stack';
import type { Percentiles } from './stats';
import type { ProfileSummary } from './profile';

export interface DeliveryCounts {
  expected: number;
  /** Distinct webhook-ids the receiver got. */
  delivered: number;
  lost: number;
  duplicates: number;
  badSignatures: number;
  badBump: number;
  badStandard: number;
  unknownHook: number;
  /** Every expected delivery arrived before the scenario's time ran out. */
  complete: boolean;
}

export interface PipelineResult {
  name: string;
  kind: 'pipeline';
  impl: Implementation;
  workers: number;
  fanout: number;
  /** Receiver ports (origins) the webhooks were spread over. */
  origins: number;
  /** 1-minute load average when the scenario started: other work on the machine skews every number. */
  load1AtStart: number;
  /** Set when the producers were paced (open loop) instead of posting back to back. */
  ratePerSecond: number | null;
  events: { requested: number; accepted: number; failed: number; perSecond: number };
  deliveries: DeliveryCounts;
  /** First POST → last delivery. */
  durationS: number | null;
  deliveredPerSecond: number | null;
  ingestMs: Percentiles | null;
  /** Event accepted by the API (events.created_at, before commit and enqueue) → first arrival at the receiver. */
  endToEndMs: Percentiles | null;
  /**
   * 202 received by the producer → first arrival. Negative when the worker
   * delivers before a busy API's answer gets back to the producer.
   */
  answerToDeliveryMs: Percentiles | null;
  rssMb: { api: number | null; workers: Array<number | null>; workerMax: number | null };
  stored: StoredOutcome;
  workerMetrics: Record<string, number>;
  /** CPU milliseconds per measured delivery (warm-up excluded), by the API and by the workers. */
  cpuMsPerDelivery?: { api: number | null; workers: number | null };
}

export interface CeilingResult {
  name: string;
  kind: 'ceiling';
  workers: number;
  concurrency: number;
  load1AtStart: number;
  jobs: number;
  completed: number;
  durationS: number;
  jobsPerSecond: number | null;
  rssMb: { workers: Array<number | null> };
}

export interface DueResult {
  name: string;
  kind: 'due';
  impl: Implementation;
  runtime: string;
  load1AtStart: number;
  origins: number;
  jobs: number;
  deliveries: DeliveryCounts;
  /** First delivery → last delivery. */
  durationS: number | null;
  deliveredPerSecond: number | null;
  rssMb: { workers: Array<number | null>; workerMax: number | null };
  stored: StoredOutcome;
  workerMetrics: Record<string, number>;
}

export type ScenarioResult = PipelineResult | CeilingResult | DueResult;

/** Every run, quick or full, has these; the test checks them. */
export const REQUIRED_SCENARIOS = [
  'ceiling-1w',
  'hookline-fanout1',
  'hookline-fanout10',
  'naive-fanout1',
  'naive-fanout10',
  'scaling-1w',
  'scaling-2w',
  'scaling-4w',
  'due-10k',
  'profile',
] as const;

export interface Target {
  name: string;
  goal: string;
  value: number | null;
  met: boolean;
}

export interface BenchReport {
  version: 1;
  mode: 'quick' | 'full';
  generatedAt: string;
  totalSeconds: number;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtStart: number[]; memoryMb: number };
  setup: Record<string, unknown>;
  scenarios: Record<string, ScenarioResult>;
  ratios: {
    hooklineOverCeiling: number | null;
    hooklineOverNaive: number | null;
    hooklineOverNaiveFanout10: number | null;
    scaling4wOver1w: number | null;
    workerDrainOverCeiling: number | null;
  };
  targets: Target[];
  profile: ProfileSummary | null;
  notes: string[];
}
