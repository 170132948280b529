export { metricsAllowed } from './metrics-guard';
export { createLogger, type Logger, type LogLevel } from './logger';
