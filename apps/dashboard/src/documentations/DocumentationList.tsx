import { useEffect, useState } from 'react';
import { asProblem, type ApiProblem, type Documentation } from '../api';
import { useApi } from '../app/api-context';
import { Link, integrationsPath } from '../router';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';
import { CurlExample, apiOrigin } from './CurlExample';
import { FailingBanner } from './FailingBanner';

export function DocumentationList() {
  const api = useApi();
  const first = useResource(() => api.listDocumentations(), [api]);
  const [more, setMore] = useState<{ data: Documentation[]; nextCursor: string | null } | null>(null);
  const [moreProblem, setMoreProblem] = useState<ApiProblem | null>(null);

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
      </div>
      <FailingBanner />
      <ProblemAlert problem={first.problem} action="Could not load the documentations" />
      {first.loading ? <p className="muted" aria-busy="true">Loading documentations…</p> : null}
      {first.data && documentations.length === 0 ? <NoDocumentations onRefresh={first.reload} /> : null}
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

function NoDocumentations({ onRefresh }: { onRefresh: () => void }) {
  return (
    <section className="empty-state card" aria-labelledby="no-docs">
      <h2 id="no-docs">No documentations yet</h2>
      <p>
        Documentations are created through the API, usually by the tool that publishes your API reference. Create one with your API key, then refresh
        this page:
      </p>
      <CurlExample
        label="Create a documentation"
        lines={[
          `curl -X POST ${apiOrigin()}/v1/documentations`,
          `-H "Authorization: Bearer $HOOKLINE_API_KEY"`,
          `-H "Content-Type: application/json"`,
          `-d '{"slug": "payments-api", "name": "Payments API"}'`,
        ]}
      />
      <button type="button" className="button" onClick={onRefresh}>
        Refresh
      </button>
    </section>
  );
}
