export { createDb, type Db, type DbOptions } from './client';
export { uuidv7, isUuid } from './ids';
export { SecretBox } from './secret-box';
export { applyMigrations, ensureDatabase, listMigrations, MIGRATIONS_DIR } from './migrate';
export { ingestEvent, ingestEvents, apiSnapshot, IDEMPOTENCY_WINDOW_MS, type IngestInput, type IngestResult, type QueuedDelivery } from './ingest';
export { Prisma } from './generated/prisma/client';
export type { DeliveryStatus, AttemptTrigger } from './generated/prisma/enums';
export { generateApiKey, storeApiKey, ensureBootstrapApiKey, authenticateApiKey, ensureOrganization, isApiKeyFormat, type BootstrapKeyState, type Principal } from './api-keys';
export {
  recordAttempts,
  loadWebhooks,
  loadEvents,
  cancelDeliveries,
  disableWebhook,
  findOverdueDeliveries,
  disableFailingWebhooks,
  type AttemptRecord,
  type WebhookRow,
  type EventRow,
  type DueDelivery,
} from './delivery-records';
export { createDocumentation, findDocumentation, listDocumentations, type DocumentationRow, type NewDocumentation, type CreateDocumentationResult, type Page } from './documentations';
export { createWebhook, countWebhooks, findWebhook, findWebhookWithDocumentation, listWebhooks, updateWebhook, deleteWebhook, rotateWebhookSecret, activateWebhookSecret, DISABLED_BY_USER, type RotationResult, type ActivationResult, type StoredWebhook, type NewWebhook, type WebhookPatch } from './webhooks';
export { findDelivery, findDeliveryTarget, type DeliverySummary, type DeliveryDetail, type AttemptRow } from './deliveries';
export { findEvent, type EventDetail } from './events';
export { webhookStats, type HourlyAttemptStats } from './webhook-stats';
export { countRecoverable, recoverDeliveries } from './recovery';
export { scheduledAttemptsMade, loadDeliveryStatuses } from './schedule-position';
export {
  createVersion,
  findVersion,
  findVersionDefinition,
  latestDefinition,
  listVersions,
  loadVersionWork,
  completeVersion,
  versionSummariesByEvent,
  changeSummaries,
  findStalledVersions,
  type VersionRow,
  type NewVersion,
  type VersionWork,
  type VersionOutcome,
  type VersionStatus,
} from './versions';
export { updateDocumentation, deleteDocumentation, type DocumentationPatch, type UpdateDocumentationResult } from './documentation-lifecycle';
export { searchDeliveries, explainDeliverySearch, uuidv7Floor, type DeliveryFilters, type DeliveryScope } from './delivery-search';
export { pruneExpired, pruneWithLock, RETENTION_LOCK, DEFAULT_BATCH_SIZE, DEFAULT_BUSY_SHARE, type PruneOptions, type PruneResult } from './retention';
export { createApiKey, listApiKeys, revokeApiKey, touchApiKeys, type ApiKeyRow } from './api-key-management';
export {
  OPERATIONAL,
  createOperationalWebhook,
  listOperationalWebhooks,
  deleteOperationalWebhook,
  loadNoticeSubjects,
  emitOperationalEvent,
  claimFailingWebhooks,
  claimRecoveredWebhooks,
  listFailingWebhooks,
  type FailingWebhook,
  type OperationalWebhook,
  type OperationalEventType,
  type WebhookNoticeSubject,
} from './operational';
