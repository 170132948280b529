import { useEffect } from 'react';
import { Link } from '../router';

export function NotFound({ path }: { path: string }) {
  useEffect(() => {
    document.title = 'Not found · Hookline';
  }, []);
  return (
    <section className="empty-state">
      <h1>Nothing at {path}</h1>
      <p>
        Webhooks live on a documentation's Integrations page. <Link to="/">Go to the documentations</Link>.
      </p>
    </section>
  );
}
