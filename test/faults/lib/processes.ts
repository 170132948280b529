// Moved to test/support/processes.ts, shared with the benchmark; kept for existing imports.
export * from '../../support/processes';
