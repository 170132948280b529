import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvError } from './parse';

/** `<repo>/.hookline/secrets.key`, next to the code that is running (git-ignored). */
export const DEV_SECRETS_KEY_FILE = path.resolve(__dirname, '../../../.hookline/secrets.key');

export interface SecretsKeyOptions {
  /** SECRETS_KEY as parsed (already checked to be 32 bytes of base64), or undefined. */
  value: string | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  file?: string;
  warn?: (line: string) => void;
}

const isKey = (text: string) => /^[A-Za-z0-9+/]+={0,2}$/.test(text) && Buffer.from(text, 'base64').length === 32;

/**
 * The key that seals webhook secrets. Production must be given one: a key made
 * up on the spot would make every stored secret unreadable after a restart on
 * another host. In development one is made once and kept on disk, so the API
 * and the workers started by `npm start` share it across restarts.
 */
export function loadSecretsKey(options: SecretsKeyOptions): string {
  if (options.value) return options.value;
  if (options.nodeEnv === 'production') {
    throw new EnvError('SECRETS_KEY', 'is required when NODE_ENV=production (32 bytes, base64: openssl rand -base64 32)');
  }
  const file = options.file ?? DEV_SECRETS_KEY_FILE;
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const key = readOrCreate(file);
  warn(`SECRETS_KEY is not set: using the development key in ${file}; set SECRETS_KEY in production.`);
  return key;
}

function readOrCreate(file: string): string {
  const existing = readKeyFile(file);
  if (existing !== undefined) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64');
  // Written aside, then linked into place: link() fails if the file exists, so
  // when the API and a worker start together exactly one key wins, and nobody
  // ever reads a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKeyFile(file);
    if (winner === undefined) throw new EnvError('SECRETS_KEY', `is not set and ${file} does not hold a 32-byte base64 key`);
    return winner;
  } finally {
    unlinkSync(temporary);
  }
}

function readKeyFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!isKey(text)) {
    throw new EnvError('SECRETS_KEY', `is not set and ${file} does not hold a 32-byte base64 key`);
  }
  return text;
}
