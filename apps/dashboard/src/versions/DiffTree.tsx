import type { DiffItem } from '../api';

const STATUS = {
  added: { icon: '+', tone: 'ok', label: 'Added' },
  modified: { icon: '~', tone: 'warning', label: 'Modified' },
  removed: { icon: '−', tone: 'error', label: 'Removed' },
} as const;

/** A version's diff as a tree: every item with its status in a word and a sign (not colour alone), breaking ones marked. */
export function DiffTree({ items, label }: { items: DiffItem[]; label: string }) {
  if (items.length === 0) return <p className="muted small">No structural changes.</p>;
  return (
    <ul className="diff-tree" aria-label={label}>
      {items.map((item) => (
        <DiffNode key={item.id} item={item} />
      ))}
    </ul>
  );
}

function DiffNode({ item }: { item: DiffItem }) {
  const status = STATUS[item.status];
  const children = item.children ?? [];
  return (
    <li className={`diff-item diff-${item.status}${item.breaking ? ' diff-breaking' : ''}`} data-testid="diff-item" data-status={item.status} data-breaking={item.breaking}>
      <span className={`badge badge-${status.tone}`}>
        <span aria-hidden="true">{status.icon}</span> {status.label}
      </span>{' '}
      {item.type === 'endpoint' ? <code>{item.name}</code> : <span>{item.name}</span>}
      {item.breaking ? (
        <span className="badge badge-error diff-breaking-mark" title="Clients written against the previous version may break">
          Breaking
        </span>
      ) : null}
      {children.length > 0 ? (
        <ul>
          {children.map((child) => (
            <DiffNode key={child.id} item={child} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
