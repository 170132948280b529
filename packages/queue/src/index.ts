export { QUEUE_PREFIX, DELIVERIES_QUEUE, VERSION_DIFFS_QUEUE, jobCatalog, parseJob, type JobName, type JobData } from './catalog';
export { createRedis, type RedisRole } from './redis';
export { DeliveryQueue, type DeliveryJob } from './delivery-queue';
export { webhookChangesChannel, announceWebhookChange } from './webhook-changes';
export { VersionDiffQueue } from './version-diff-queue';
