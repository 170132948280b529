import type { DiffItem } from './bump-diff';

export interface DiffSummary {
  text: string;
  markdown: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const MAX_NAMED = 3;
const MAX_MARKDOWN_ITEMS = 200;
const MAX_MARKDOWN_CHILDREN = 20;

/** One line: "3 changes, 1 breaking: removed GET /charges/{id}". */
export function summaryLine(items: DiffItem[]): string {
  if (items.length === 0) return 'No structural changes';
  const breaking = items.filter((item) => item.breaking);
  const head = `${plural(items.length, 'change')}, ${breaking.length} breaking`;
  const named = (breaking.length > 0 ? breaking : items).slice(0, MAX_NAMED).map((item) => `${item.status} ${item.name}`);
  const more = (breaking.length > 0 ? breaking : items).length - named.length;
  return `${head}: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

const code = (text: string) => '`' + text.replace(/`/g, "'") + '`';

export function summarize(items: DiffItem[]): DiffSummary {
  const text = summaryLine(items);
  const lines = [`**${text.split(':')[0]}**`];
  if (items.length > 0) lines.push('');
  for (const item of items.slice(0, MAX_MARKDOWN_ITEMS)) {
    lines.push(`- ${item.status[0]!.toUpperCase()}${item.status.slice(1)} ${code(item.name)}${item.breaking ? ' **(breaking)**' : ''}`);
    for (const child of item.children.slice(0, MAX_MARKDOWN_CHILDREN)) {
      lines.push(`  - ${child.name.replace(/\n/g, ' ')}${child.breaking ? ' **(breaking)**' : ''}`);
    }
    if (item.children.length > MAX_MARKDOWN_CHILDREN) lines.push(`  - and ${item.children.length - MAX_MARKDOWN_CHILDREN} more`);
  }
  if (items.length > MAX_MARKDOWN_ITEMS) lines.push(`- and ${items.length - MAX_MARKDOWN_ITEMS} more`);
  return { text, markdown: lines.join('\n') };
}
