import { createLogger as createServiceLogger, type Logger, type LogLevel } from '@hookline/telemetry';

export type { Logger, LogLevel };

/** The shared JSON-lines logger, as service "api". Errors go under `err` (serialized by the logger). */
export const createLogger = (level: LogLevel, write?: (line: string) => void): Logger => createServiceLogger('api', level, {}, write);

export const silentLogger: Logger = createLogger('silent');
