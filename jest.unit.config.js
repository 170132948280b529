/**
 * `npm run test:unit`: the tests that need neither PostgreSQL nor Redis nor
 * Chromium, for the edit-test loop (well under 30 s). A test file belongs to
 * this tier unless it uses something that reaches a service (SERVICE_MARKERS);
 * `npm test` still runs everything.
 */
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const base = require('./jest.config');

const SERVICE_MARKERS =
  /startTestApi|testing\/harness|support\/(fixtures|seed|worker|stack|env)|testDb\(|createDb|createRedis|startStack|startTestWorker|launchChromium|in-process-api|faults\/lib\/(stack|postgres|redis|case-runner)|bench\/lib|applyMigrations|from 'pg'|from 'ioredis'|TEST_DATABASE_URL|TEST_REDIS_URL|runCase|FaultStack|'run', 'bench'/;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? testFiles(full) : entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const roots = ['apps', 'packages', 'test', 'bench'].map((name) => path.join(__dirname, name));
const unit = roots.flatMap(testFiles).filter((file) => !SERVICE_MARKERS.test(readFileSync(file, 'utf8')));

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // No global setup: it migrates the test database.
  globalSetup: undefined,
  testMatch: undefined,
  testRegex: unit.map((file) => `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
};
