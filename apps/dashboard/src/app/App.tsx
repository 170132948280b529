import { KeySwitchPrompt } from '../auth/KeySwitchPrompt';
import { ApiKeysPage } from '../api-keys/ApiKeysPage';
import { SignIn } from '../auth/SignIn';
import { useSession } from '../auth/use-session';
import { DocumentationList } from '../documentations/DocumentationList';
import { IntegrationsPage } from '../documentations/IntegrationsPage';
import { VersionsPage } from '../versions/VersionsPage';
import { matchRoute, usePathname } from '../router';
import { ApiContext } from './api-context';
import { NotFound } from './NotFound';
import { Shell } from './Shell';

export function App() {
  const session = useSession();
  const route = matchRoute(usePathname());

  if (session.state === 'checking') {
    return (
      <main className="splash" id="main" aria-busy="true">
        <p className="muted">Checking your API key…</p>
      </main>
    );
  }
  if (session.state === 'signed-out') return <SignIn problem={session.problem} signIn={session.signIn} />;

  return (
    <ApiContext.Provider value={session.client}>
      <Shell apiKey={session.apiKey} onSignOut={session.signOut}>
        {route.page === 'documentations' ? <DocumentationList /> : null}
        {route.page === 'integrations' ? <IntegrationsPage key={route.slug} slug={route.slug} /> : null}
        {route.page === 'versions' ? <VersionsPage key={route.slug} slug={route.slug} /> : null}
        {route.page === 'api-keys' ? <ApiKeysPage /> : null}
        {route.page === 'not-found' ? <NotFound path={route.path} /> : null}
      </Shell>
      {session.offeredKey ? (
        <KeySwitchPrompt current={session.apiKey} offered={session.offeredKey} accept={session.acceptOfferedKey} decline={session.declineOfferedKey} />
      ) : null}
    </ApiContext.Provider>
  );
}
