import { useEffect } from 'react';
import type { Version } from '../api';
import { useApi } from '../app/api-context';
import { Link, integrationsPath } from '../router';
import { ProblemAlert } from '../ui/ProblemAlert';
import { RelativeTime, useNow } from '../ui/Time';
import { useResource } from '../ui/use-resource';
import { DiffTree } from './DiffTree';
import { VersionDeliveries } from './VersionDeliveries';
import './versions.css';

const POLL_MS = 2_000;

/** `/documentations/{slug}/versions`: the changelog of deployed definitions, newest first. */
export function VersionsPage({ slug }: { slug: string }) {
  const api = useApi();
  const documentation = useResource(() => api.getDocumentation(slug), [api, slug]);
  const versions = useResource(() => api.listVersions(slug), [api, slug]);
  const now = useNow(15_000);
  const list = versions.data?.data ?? [];
  const pending = list.some((version) => version.status === 'pending');

  useEffect(() => {
    document.title = `${documentation.data?.name ?? slug} · Versions · Hookline`;
  }, [documentation.data, slug]);

  // A diff in the worker takes a moment: follow it until it is done.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => void versions.reload(), POLL_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending, versions.data]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Documentations</Link>
          </li>
          <li>
            <Link to={integrationsPath(slug)}>{documentation.data?.name ?? slug}</Link>
          </li>
          <li aria-current="page">Versions</li>
        </ol>
      </nav>
      <div className="page-header">
        <h1>
          {documentation.data?.name ?? slug} <span className="page-header-sub">Versions</span>
        </h1>
        <p className="muted">
          Deployed definitions, newest first. Deploy with <code>npx hookline deploy openapi.yaml --doc {slug}</code>.
        </p>
      </div>
      {versions.problem ? <ProblemAlert problem={versions.problem} action="Could not load the versions" /> : null}
      {versions.loading && !versions.data ? <p className="muted">Loading…</p> : null}
      {versions.data && list.length === 0 ? (
        <section className="empty-state">
          <p>No version deployed yet.</p>
        </section>
      ) : null}
      <ol className="changelog" aria-label="Changelog">
        {list.map((version) => (
          <VersionEntry key={version.id} version={version} slug={slug} now={now} />
        ))}
      </ol>
    </>
  );
}

function VersionEntry({ version, slug, now }: { version: Version; slug: string; now: number }) {
  const details = version.diff?.details ?? [];
  return (
    <li className="card version" data-testid="version" data-version-id={version.id} data-status={version.status}>
      <div className="version-header">
        <h2>
          <code>{version.version || '(no version)'}</code>
        </h2>
        <span className={`badge badge-${version.status === 'failed' ? 'error' : version.status === 'pending' ? 'info' : 'ok'}`}>{version.status}</span>
        {version.diff?.breaking ? <span className="badge badge-error">Breaking</span> : null}
        <span className="muted small">
          deployed <RelativeTime iso={version.createdAt} now={now} />
        </span>
      </div>
      {version.summary ? <p data-testid="version-summary">{version.summary.text}</p> : null}
      {version.status === 'pending' ? <p className="muted small">Comparing with the previous version…</p> : null}
      {version.error ? <p className="text-error">{version.error}</p> : null}
      {version.diff && details.length > 0 ? <DiffTree items={details} label={`Changes in ${version.version}`} /> : null}
      {version.eventId ? <VersionDeliveries eventId={version.eventId} slug={slug} /> : version.status === 'done' && version.diff ? <p className="muted small">Notified nobody: nothing structural changed.</p> : null}
    </li>
  );
}
