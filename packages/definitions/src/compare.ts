import type { BumpDiff } from './bump-diff';
import { diffDefinitions } from './diff';
import type { DefinitionObject } from './load';
import { summarize, type DiffSummary } from './summary';

export interface Comparison {
  diff: BumpDiff;
  summary: DiffSummary;
  /** False when only text (descriptions, summaries, examples) changed, or nothing did. */
  structural: boolean;
}

export interface CompareOptions {
  /** The diff's id (a version id, or a fresh one for a preview). */
  id: string;
  /** Where a person reads about this change; Bump's `public_url`. */
  publicUrl: string;
  previousVersionUrl?: string;
  currentVersionUrl?: string;
}

/** The whole diff in Bump's shape, with its human summary. */
export async function compareDefinitions(before: DefinitionObject, after: DefinitionObject, options: CompareOptions): Promise<Comparison> {
  const { items, breaking } = await diffDefinitions(before, after);
  const summary = summarize(items);
  return {
    diff: {
      id: options.id,
      title: summary.text,
      public_url: options.publicUrl,
      breaking,
      details: items,
      ...(options.previousVersionUrl ? { previous_version_url: options.previousVersionUrl } : {}),
      ...(options.currentVersionUrl ? { current_version_url: options.currentVersionUrl } : {}),
    },
    summary,
    structural: items.length > 0,
  };
}
