import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { applyMigrations } from '@hookline/db';
import { freePort } from '../../support/processes';

const run = promisify(execFile);

export const SHARED_POSTGRES_URL = process.env.FAULTS_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of the case's own: created and migrated with the project's own runner. */
export async function createCaseDatabase(serverUrl: string, name: string): Promise<string> {
  const url = databaseUrl(serverUrl, name);
  await dropDatabase(serverUrl, name);
  await applyMigrations(url);
  return url;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/**
 * A PostgreSQL cluster of the harness's own (initdb in a temporary folder, a
 * free port), so that restarting it fails nobody else's connections — the
 * shared cluster on 5432 may be serving other test runs at the same time.
 */
export class PrivatePostgres {
  private running = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly asUser: string | null,
  ) {}

  static available(): boolean {
    return postgresBinDir() !== null;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-faults-pg-'));
    // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser) {
      const uid = Number(execFileSync('id', ['-u', asUser]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', asUser]).toString().trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(await freePort(), dir, bin, asUser);
    await pg.exec('initdb', ['-D', pg.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await pg.startServer();
    return pg;
  }

  get serverUrl(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private exec(tool: string, args: string[]) {
    const binary = path.join(this.bin, tool);
    return this.asUser ? run('runuser', ['-u', this.asUser, '--', binary, ...args], { timeout: 60_000 }) : run(binary, args, { timeout: 60_000 });
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '30', 'start']);
    this.running = true;
  }

  /** `fast` disconnects every client and shuts down cleanly, like a restart by an operator. */
  async stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
    this.running = false;
  }

  async destroy(): Promise<void> {
    try {
      await this.stopServer('immediate');
    } catch {
      // Already down.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
