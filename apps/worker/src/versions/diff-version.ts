import { completeVersion, findDocumentation, ingestEvent, loadVersionWork, type Db, type QueuedDelivery } from '@hookline/db';
import type { CompareOptions, Comparison } from '@hookline/definitions';
import { DiffFailed, compareInThread } from './diff-runner';

export interface DiffVersionDeps {
  db: Db;
  /** Enqueues the deliveries of the event a structural change created (after commit: the outbox). */
  enqueueDeliveries: (deliveries: QueuedDelivery[]) => Promise<void>;
  /** Compares two definitions given as JSON text; default: in a thread of its own. */
  compare?: (before: string, after: string, options: CompareOptions) => Promise<Comparison>;
}

export type DiffVersionResult = 'first' | 'identical' | 'text-only' | 'structural' | 'already-done' | 'missing';

const definitionUrl = (id: string) => `/v1/versions/${id}/definition`;

export { DiffFailed };

/**
 * Diffs a deployed version against the one before it and, when the
 * structure changed, creates a documentation.structure_change event through
 * the same outbox as POST /events (breakingOnly applies there). The event's
 * idempotency key is the version, so a job retried after the event was
 * written does not create a second one.
 */
export async function diffVersion(deps: DiffVersionDeps, versionId: string): Promise<DiffVersionResult> {
  const { db } = deps;
  const work = await loadVersionWork(db, versionId);
  if (!work) return 'missing';
  if (work.status !== 'pending') return 'already-done';
  if (!work.previous) {
    const text = 'First version: nothing to compare with';
    await completeVersion(db, versionId, { status: 'done', diff: null, summary: { text, markdown: text } });
    return 'first';
  }
  if (work.previous.contentHash === work.contentHash) {
    const text = 'No structural changes: the same definition as the previous version';
    await completeVersion(db, versionId, { status: 'done', diff: null, summary: { text, markdown: text } });
    return 'identical';
  }
  const documentation = await findDocumentation(db, work.organizationId, work.documentationId);
  if (!documentation) return 'missing';

  const base = documentation.humanUrl?.replace(/\/+$/, '');
  const comparison = await (deps.compare ?? compareInThread)(work.previous.definition, work.definition, {
    id: versionId,
    publicUrl: base ? `${base}/changes/${versionId}` : `/v1/versions/${versionId}`,
    previousVersionUrl: definitionUrl(work.previous.id),
    currentVersionUrl: definitionUrl(versionId),
  });
  if (!comparison.structural) {
    await completeVersion(db, versionId, { status: 'done', diff: comparison.diff, summary: comparison.summary });
    return 'text-only';
  }

  const result = await ingestEvent(db, {
    organizationId: work.organizationId,
    documentation,
    type: 'documentation.structure_change',
    diff: comparison.diff as unknown as { breaking: boolean } & Record<string, unknown>,
    version: work.version || null,
    idempotencyKey: `hookline-version-${versionId}`,
  });
  if (result.kind === 'conflict') throw new Error(`idempotency key of version ${versionId} is held by another event`);
  // A replay means an earlier run wrote the event; the reconciler enqueues whatever it left unqueued.
  if (result.kind === 'created') await deps.enqueueDeliveries(result.deliveries);
  await completeVersion(db, versionId, { status: 'done', diff: comparison.diff, summary: comparison.summary, eventId: result.eventId });
  return 'structural';
}
