// Moved to test/support/processes.ts, shared with the fault cases; kept for existing imports.
export * from '../../test/support/processes';
