import type { ReactNode } from 'react';
import { keyLabel } from '../auth/key-storage';
import { Link } from '../router';

interface ShellProps {
  apiKey: string;
  onSignOut: () => void;
  children: ReactNode;
}

export function Shell({ apiKey, onSignOut, children }: ShellProps) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Hookline
        </Link>
        <nav aria-label="Main" className="topbar-nav">
          <Link to="/">Documentations</Link>
          <Link to="/api-keys">API keys</Link>
        </nav>
        <div className="topbar-account">
          <span className="muted key-label" title="The API key this browser signed in with">
            <code>{keyLabel(apiKey)}</code>
          </span>
          <button type="button" className="button button-small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
