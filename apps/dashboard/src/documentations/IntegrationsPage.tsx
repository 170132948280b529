import { useEffect } from 'react';
import { useApi } from '../app/api-context';
import { Link, integrationsPath, navigate, versionsPath } from '../router';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';
import { WebhooksSection } from '../webhooks/WebhooksSection';
import { DocumentationSettings } from './DocumentationSettings';

/** `/documentations/{slug}/integrations`: the documentation's webhooks and their deliveries. */
export function IntegrationsPage({ slug }: { slug: string }) {
  const api = useApi();
  const documentation = useResource(() => api.getDocumentation(slug), [api, slug]);
  const doc = documentation.data;

  useEffect(() => {
    document.title = `${doc ? doc.name : slug} · Integrations · Hookline`;
  }, [doc, slug]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Documentations</Link>
          </li>
          <li>
            <span>{doc?.name ?? slug}</span>
          </li>
          <li aria-current="page">Integrations</li>
        </ol>
      </nav>
      {documentation.problem ? (
        <section className="empty-state">
          <h1>Integrations</h1>
          <ProblemAlert problem={documentation.problem} action="Could not open this documentation" />
          <p>
            <Link to="/">Back to the list of documentations</Link>
          </p>
        </section>
      ) : null}
      {documentation.loading ? <p className="muted">Loading…</p> : null}
      {doc ? (
        <>
          <div className="page-header">
            <h1>
              {doc.name} <span className="page-header-sub">Integrations</span>
            </h1>
            <p className="muted">
              <code>{doc.slug}</code>
              {doc.description ? ` · ${doc.description}` : null}
              {' · '}
              <Link to={versionsPath(doc.slug)}>Versions</Link>
              {doc.humanUrl ? (
                <>
                  {' · '}
                  <a href={doc.humanUrl} target="_blank" rel="noreferrer">
                    Public documentation ↗
                  </a>
                </>
              ) : null}
            </p>
          </div>
          <WebhooksSection documentation={doc} />
          <DocumentationSettings
            documentation={doc}
            onSaved={(saved) => {
              documentation.replace(() => saved);
              // A new slug is a new address: the old one would answer 404 on reload.
              if (saved.slug !== doc.slug) navigate(integrationsPath(saved.slug) + location.search, { replace: true });
            }}
            onDeleted={() => navigate('/')}
          />
        </>
      ) : null}
    </>
  );
}
