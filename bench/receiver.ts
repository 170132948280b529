// Moved to test/support/bench-receiver.ts, with the other receivers; kept for existing imports.
export * from '../test/support/bench-receiver';
