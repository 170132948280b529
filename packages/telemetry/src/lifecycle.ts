import type { Logger } from './logger';

export interface LifecycleOptions {
  logger: Pick<Logger, 'info' | 'error'>;
  /** Closes what the process holds (server, queue, pools); may throw: the failure is logged, never unhandled. */
  stop(reason: string): Promise<void>;
  /** After this long the process exits with 1, stopped or not. */
  timeoutMs: number;
  /** For tests of the helper itself; the real process otherwise. */
  process?: Pick<NodeJS.Process, 'on' | 'exit'> & { exitCode?: NodeJS.Process['exitCode'] };
}

export interface Lifecycle {
  /** Idempotent: the first call stops, later ones get the same promise, which always resolves. */
  shutdown(reason: string): Promise<void>;
}

/**
 * The one shutdown path of both entry points: SIGTERM and SIGINT stop
 * gracefully and let the process end by itself; an unhandled rejection or an
 * uncaught exception is logged, stops gracefully the same way, and exits 1,
 * since the process's state can no longer be trusted.
 */
export function manageLifecycle(options: LifecycleOptions): Lifecycle {
  const proc = options.process ?? process;
  const { logger } = options;
  let stopping: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down', { reason });
      setTimeout(() => {
        logger.error('shutdown took too long; exiting', { timeoutMs: options.timeoutMs });
        proc.exit(1);
      }, options.timeoutMs).unref();
      try {
        await options.stop(reason);
        logger.info('stopped', { reason });
      } catch (error) {
        logger.error('shutdown failed', { err: error, stack: error instanceof Error ? error.stack : undefined });
        proc.exitCode = 1;
      }
    })();
    return stopping;
  };

  const crash = (kind: 'unhandledRejection' | 'uncaughtException', error: unknown) => {
    logger.error(kind === 'unhandledRejection' ? 'unhandled promise rejection' : 'uncaught exception', {
      err: error,
      stack: error instanceof Error ? error.stack : undefined,
    });
    void shutdown(kind).then(() => proc.exit(1));
  };

  proc.on('SIGTERM', () => void shutdown('SIGTERM'));
  proc.on('SIGINT', () => void shutdown('SIGINT'));
  proc.on('unhandledRejection', (reason) => crash('unhandledRejection', reason));
  proc.on('uncaughtException', (error) => crash('uncaughtException', error));
  return { shutdown };
}
