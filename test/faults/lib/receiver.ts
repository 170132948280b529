// Moved to test/support/chaos-receiver.ts, with the other receivers; kept for existing imports.
export * from '../../support/chaos-receiver';
