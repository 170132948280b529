/**
 * What `npm start` checks before it touches PostgreSQL or Redis: that each
 * answers on its address. When one does not, the one line it prints names
 * the service, the address and the command that starts it on this machine.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface Service {
  name: 'PostgreSQL' | 'Redis';
  variable: 'DATABASE_URL' | 'REDIS_URL';
  host: string;
  port: number;
}

export function servicesOf(databaseUrl: string, redisUrl: string): Service[] {
  const pg = new URL(databaseUrl);
  const redis = new URL(redisUrl);
  return [
    { name: 'PostgreSQL', variable: 'DATABASE_URL', host: pg.hostname || '127.0.0.1', port: Number(pg.port || 5432) },
    { name: 'Redis', variable: 'REDIS_URL', host: redis.hostname || '127.0.0.1', port: Number(redis.port || 6379) },
  ];
}

/** Resolves true when something accepts a TCP connection there within timeoutMs. */
export function reachable(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A Debian install (the package's cluster directory / binary) starts as a service; anything else through docker compose. */
export function startCommand(service: Service, has: (path: string) => boolean = existsSync): string {
  if (service.name === 'PostgreSQL' && has('/etc/postgresql')) return 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
  if (service.name === 'Redis' && has('/usr/bin/redis-server')) return `redis-server --daemonize yes --bind 127.0.0.1 --port ${service.port} --save "" --appendonly no`;
  return 'docker compose up -d postgres redis';
}

export function unreachableMessage(service: Service, has?: (path: string) => boolean): string {
  return `${service.name} is not reachable at ${service.host}:${service.port} (${service.variable}); start it with: ${startCommand(service, has)}`;
}

/** The lines to print for every service that does not answer, none when all do. */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const services = servicesOf(databaseUrl, redisUrl);
  const answers = await Promise.all(services.map((s) => reachable(s.host, s.port)));
  return services.filter((_s, i) => !answers[i]).map((s) => unreachableMessage(s));
}
