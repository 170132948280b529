import { useEffect, useState } from 'react';
import { asProblem, type ApiProblem, type Documentation } from '../api';
import { useApi } from '../app/api-context';
import { Link, integrationsPath, navigate } from '../router';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';
import { CreateDocumentationForm } from './CreateDocumentationForm';
import { FailingBanner } from './FailingBanner';

export function DocumentationList() {
  const api = useApi();
  const first = useResource(() => api.listDocumentations(), [api]);
  const [more, setMore] = useState<{ data: Documentation[]; nextCursor: string | null } | null>(null);
  const [moreProblem, setMoreProblem] = useState<ApiProblem | null>(null);
  const [creating, setCreating] = useState(false);
  const created = (doc: Documentation) => navigate(integrationsPath(doc.slug));

  useEffect(() => {
    document.title = 'Documentations · Hookline';
  }, []);

  const documentations = [...(first.data?.data ?? []), ...(more?.data ?? [])];
  const nextCursor = more ? more.nextCursor : first.data?.nextCursor;

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await api.listDocumentations(nextCursor);
      setMore((current) => ({ data: [...(current?.data ?? []), ...page.data], nextCursor: page.nextCursor }));
      setMoreProblem(null);
    } catch (error) {
      setMoreProblem(asProblem(error));
    }
  };

  return (
    <>
      <div className="page-header">
        <h1>Documentations</h1>
        <p className="muted">Each documentation has its own webhooks. Open one to manage its integrations.</p>
        {documentations.length > 0 && !creating ? (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New documentation
          </button>
        ) : null}
      </div>
      {creating && documentations.length > 0 ? <CreateDocumentationForm onCreated={created} onCancel={() => setCreating(false)} /> : null}
      <FailingBanner />
      <ProblemAlert problem={first.problem} action="Could not load the documentations" />
      {first.loading ? <p className="muted" aria-busy="true">Loading documentations…</p> : null}
      {first.data && documentations.length === 0 ? <NoDocumentations onCreated={created} /> : null}
      {documentations.length > 0 ? (
        <ul className="doc-list">
          {documentations.map((doc) => (
            <li key={doc.id} className="card doc-item">
              <div>
                <h2 className="doc-name">
                  <Link to={integrationsPath(doc.slug)}>{doc.name}</Link>
                </h2>
                <p className="muted">
                  <code>{doc.slug}</code>
                  {doc.description ? ` · ${doc.description}` : null}
                </p>
              </div>
              <Link to={integrationsPath(doc.slug)} className="button button-small" aria-label={`Integrations of ${doc.name}`}>
                Integrations →
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <ProblemAlert problem={moreProblem} action="Could not load more documentations" />
      {nextCursor ? (
        <button type="button" className="button" onClick={loadMore}>
          Show more documentations
        </button>
      ) : null}
    </>
  );
}

function NoDocumentations({ onCreated }: { onCreated: (documentation: Documentation) => void }) {
  return (
    <section className="empty-state" aria-labelledby="no-docs">
      <h2 id="no-docs">No documentations yet</h2>
      <p>A documentation is the API reference whose changes you report; each one has its own webhooks. Create the first one:</p>
      <CreateDocumentationForm onCreated={onCreated} />
    </section>
  );
}
