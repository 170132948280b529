export { createApp, BODY_LIMIT } from './app';
export type { AppConfig, AppDeps, Lifecycle } from './context';
export { loadApiConfig, type ApiConfig } from './env';
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger';
export { createMetrics, type ApiMetrics } from './metrics';
