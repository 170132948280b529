export { metricsAllowed } from './metrics-guard';
export { createLogger, type Logger, type LogLevel } from './logger';
export { manageLifecycle, type Lifecycle, type LifecycleOptions } from './lifecycle';
