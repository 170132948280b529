import { changeSummaries, type Db } from '@hookline/db';

/** Adds `summary` (the event's one-line change summary, or null) to delivery list items. */
export async function withChangeSummaries<T extends { eventId: string }>(db: Db, items: T[]): Promise<Array<T & { summary: string | null }>> {
  const summaries = await changeSummaries(db, items.map((item) => item.eventId));
  return items.map((item) => ({ ...item, summary: summaries.get(item.eventId) ?? null }));
}
