export {
  QUEUE_PREFIX,
  DELIVERIES_QUEUE,
  VERSION_DIFFS_QUEUE,
  DELIVERY_JOB_MAX_RUNS,
  jobCatalog,
  parseJob,
  type JobName,
  type JobData,
  type JobHandlers,
  type DeliveryJob,
} from './catalog';
export { createRedis, isCluster, type RedisRole, type RedisClient, type RedisTarget, type ClusterNodeAddress } from './redis';
export { DeliveryQueue, type DeliveryRef, type ShardDepth } from './delivery-queue';
export { DeliveryWorkers, type DeliverHandler, type DeliveryWorkersOptions, type LendSlot } from './delivery-workers';
export { keySlot, shardOf, shardPrefixes, parseShardList, MAX_QUEUE_SHARDS, CLUSTER_SLOTS } from './shards';
export { webhookChangesChannel, announceWebhookChange } from './webhook-changes';
export { RepeatedErrorLog } from './repeated-error-log';
export { VersionDiffQueue } from './version-diff-queue';
