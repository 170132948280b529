export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A fixed key: test data is throwaway. */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
