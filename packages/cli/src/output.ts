/** What the commands print. A TTY gets colour; anything else (CI logs, pipes) plain text. */

export interface DiffItem {
  name: string;
  status: 'added' | 'modified' | 'removed';
  breaking: boolean;
  children?: DiffItem[];
}

export interface Summary {
  text: string;
  markdown: string;
}

export interface Output {
  write(line: string): void;
  error(line: string): void;
}

export function consoleOutput(): Output & { color: boolean } {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return { color, write: (line) => process.stdout.write(`${line}\n`), error: (line) => process.stderr.write(`${line}\n`) };
}

const paint = (on: boolean, code: number, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
const STATUS_COLOR = { added: 32, modified: 33, removed: 31 } as const;

/** "3 changes, 1 breaking: …" then one line per changed endpoint, breaking ones marked. */
export function diffLines(summary: Summary, items: DiffItem[], color: boolean, maxItems = 50): string[] {
  const lines = [summary.text];
  for (const item of items.slice(0, maxItems)) {
    const status = paint(color, STATUS_COLOR[item.status], item.status.padEnd(8));
    lines.push(`  ${status} ${item.name}${item.breaking ? paint(color, 31, '  BREAKING') : ''}`);
  }
  if (items.length > maxItems) lines.push(`  … and ${items.length - maxItems} more`);
  return lines;
}
