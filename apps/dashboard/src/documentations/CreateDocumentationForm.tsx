import { useState, type FormEvent } from 'react';
import { asProblem, type ApiProblem, type Documentation } from '../api';
import { useApi } from '../app/api-context';
import { ProblemAlert } from '../ui/ProblemAlert';
import { TextField } from '../ui/TextField';

const FIELDS = ['slug', 'name', 'description', 'humanUrl'];

/** A slug suggested from the name until the user types one of their own. */
const slugFrom = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

export function CreateDocumentationForm({ onCreated, onCancel }: { onCreated: (documentation: Documentation) => void; onCancel?: () => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [description, setDescription] = useState('');
  const [humanUrl, setHumanUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const shownSlug = slugEdited ? slug : slugFrom(name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await api.createDocumentation({ name: name.trim(), slug: shownSlug, description: description.trim() || null, humanUrl: humanUrl.trim() || null }));
    } catch (error) {
      setProblem(asProblem(error));
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="new-doc-title" data-testid="create-documentation">
      <h2 id="new-doc-title" className="card-title">
        New documentation
      </h2>
      <ProblemAlert problem={problem} shownFields={FIELDS} action="Could not create the documentation" />
      <TextField label="Name" name="name" value={name} onChange={(event) => setName(event.target.value)} error={problem?.fieldError('name')} autoFocus />
      <TextField
        label="Slug"
        name="slug"
        spellCheck={false}
        value={shownSlug}
        onChange={(event) => {
          setSlugEdited(true);
          setSlug(event.target.value);
        }}
        error={problem?.fieldError('slug') ?? (problem?.status === 409 ? problem.detail : undefined)}
        hint="Lowercase letters, digits and dashes; producers post events to /v1/documentations/<slug>/events."
      />
      <TextField label="Description" name="description" value={description} onChange={(event) => setDescription(event.target.value)} error={problem?.fieldError('description')} />
      <TextField
        label="Public documentation URL"
        name="humanUrl"
        type="url"
        inputMode="url"
        value={humanUrl}
        onChange={(event) => setHumanUrl(event.target.value)}
        error={problem?.fieldError('humanUrl')}
      />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create documentation'}
        </button>
        {onCancel ? (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
