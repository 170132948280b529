import { createHash } from 'node:crypto';

/** Bump's DiffItem, as delivered in `diff.details`. */
export interface DiffItem {
  id: string;
  name: string;
  status: 'added' | 'modified' | 'removed';
  type: string;
  breaking: boolean;
  previous?: Record<string, unknown>;
  current?: Record<string, unknown>;
  breaking_details?: Record<string, unknown>;
  children: DiffItem[];
}

/** Bump's `diff` object of a DocStructureChange. */
export interface BumpDiff {
  id: string;
  title: string;
  public_url: string;
  breaking: boolean;
  details: DiffItem[];
  previous_version_url?: string;
  current_version_url?: string;
}

export const itemId = (name: string): string => {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
  // The slug alone can collide ("/a-b" and "/a/b"); a short hash of the exact name cannot.
  return `${slug}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
};
