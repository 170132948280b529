import { useId, useState, type FormEvent } from 'react';
import { asProblem, type ApiProblem, type Documentation, type DocumentationPatch } from '../api';
import { useApi } from '../app/api-context';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { TextField } from '../ui/TextField';

const FIELDS = ['slug', 'name', 'description', 'humanUrl', 'tags'];
const parseTags = (text: string) => [...new Set(text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''))];

/** Edit the documentation (only what changed is sent) and delete it in a danger zone. */
export function DocumentationSettings({ documentation, onSaved, onDeleted }: { documentation: Documentation; onSaved: (doc: Documentation) => void; onDeleted: () => void }) {
  const [editing, setEditing] = useState(false);
  const titleId = useId();
  return (
    <section className="card stack" aria-labelledby={titleId} data-testid="documentation-settings">
      <div className="section-header">
        <h2 id={titleId} className="card-title">
          Documentation settings
        </h2>
        {!editing ? (
          <button type="button" className="button button-small" onClick={() => setEditing(true)}>
            Edit documentation
          </button>
        ) : null}
      </div>
      {documentation.tags.length > 0 ? (
        <p className="muted">
          Tags: {documentation.tags.map((tag) => <code key={tag} className="tag">{tag}</code>)}
        </p>
      ) : null}
      {editing ? (
        <EditDocumentationForm
          documentation={documentation}
          onSaved={(doc) => {
            setEditing(false);
            onSaved(doc);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : null}
      <DocumentationDangerZone documentation={documentation} onDeleted={onDeleted} />
    </section>
  );
}

function EditDocumentationForm({ documentation, onSaved, onCancel }: { documentation: Documentation; onSaved: (doc: Documentation) => void; onCancel: () => void }) {
  const api = useApi();
  const [name, setName] = useState(documentation.name);
  const [slug, setSlug] = useState(documentation.slug);
  const [description, setDescription] = useState(documentation.description ?? '');
  const [humanUrl, setHumanUrl] = useState(documentation.humanUrl ?? '');
  const [tags, setTags] = useState(documentation.tags.join(', '));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: DocumentationPatch = {};
    if (name.trim() !== documentation.name) patch.name = name.trim();
    if (slug.trim() !== documentation.slug) patch.slug = slug.trim();
    if ((description.trim() || null) !== documentation.description) patch.description = description.trim() || null;
    if ((humanUrl.trim() || null) !== documentation.humanUrl) patch.humanUrl = humanUrl.trim() || null;
    const newTags = parseTags(tags);
    if (newTags.join('\n') !== documentation.tags.join('\n')) patch.tags = newTags;
    if (Object.keys(patch).length === 0) return onCancel();
    setBusy(true);
    try {
      onSaved(await api.updateDocumentation(documentation.id, patch));
    } catch (error) {
      setProblem(asProblem(error));
      setBusy(false);
    }
  };

  return (
    <form className="subcard stack" onSubmit={submit} noValidate aria-label="Edit documentation">
      <ProblemAlert problem={problem} shownFields={FIELDS} action="Could not save" />
      <TextField label="Name" name="name" value={name} onChange={(event) => setName(event.target.value)} error={problem?.fieldError('name')} autoFocus />
      <TextField
        label="Slug"
        name="slug"
        spellCheck={false}
        value={slug}
        onChange={(event) => setSlug(event.target.value)}
        error={problem?.fieldError('slug') ?? (problem?.status === 409 ? problem.detail : undefined)}
        hint="Changing it keeps the webhooks and history; producers must post to the new slug (or the id)."
      />
      <TextField label="Description" name="description" value={description} onChange={(event) => setDescription(event.target.value)} error={problem?.fieldError('description')} />
      <TextField label="Public documentation URL" name="humanUrl" type="url" value={humanUrl} onChange={(event) => setHumanUrl(event.target.value)} error={problem?.fieldError('humanUrl')} />
      <TextField label="Tags" name="tags" value={tags} onChange={(event) => setTags(event.target.value)} error={problem?.errors.find((e) => e.path.startsWith('tags'))?.message} hint="Comma-separated; sent to receivers as api.tags." />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DocumentationDangerZone({ documentation, onDeleted }: { documentation: Documentation; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const titleId = useId();
  return (
    <section className="danger-zone" aria-labelledby={titleId}>
      <div>
        <h3 id={titleId}>Danger zone</h3>
        <p className="hint">Deleting removes the documentation and all its webhooks, and cancels their pending deliveries.</p>
      </div>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Delete documentation
      </button>
      {open ? <DeleteDocumentationDialog documentation={documentation} onClose={() => setOpen(false)} onDeleted={onDeleted} /> : null}
    </section>
  );
}

function DeleteDocumentationDialog({ documentation, onClose, onDeleted }: { documentation: Documentation; onClose: () => void; onDeleted: () => void }) {
  const api = useApi();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const confirmed = typed.trim() === documentation.slug || typed.trim().toLowerCase() === 'delete';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    try {
      await api.deleteDocumentation(documentation.id);
      onDeleted();
    } catch (error) {
      setProblem(asProblem(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Delete ${documentation.name}?`} onClose={onClose} testId="delete-documentation-dialog">
      <form onSubmit={submit} className="stack">
        <p>
          Its webhooks receive nothing more, <strong>pending retries are cancelled</strong>, and events posted for <code>{documentation.slug}</code> are refused
          with 404. The slug becomes free for a new documentation. This cannot be undone.
        </p>
        <ProblemAlert problem={problem} action="Could not delete the documentation" />
        <TextField
          label={
            <>
              Type the slug or <kbd>delete</kbd> to confirm
            </>
          }
          name="confirm"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          autoFocus
        />
        <div className="actions">
          <button type="submit" className="button button-danger" disabled={!confirmed || busy}>
            {busy ? 'Deleting…' : 'Delete documentation'}
          </button>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
