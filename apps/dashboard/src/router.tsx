import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * Client-side routing over the History API: the API serves index.html for
 * every non-API path, so a reload or a shared link lands on the same page.
 */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export const usePathname = () => useSyncExternalStore(subscribe, () => location.pathname);
/** The query string, for state a shared link must carry (delivery filters). */
export const useSearch = () => useSyncExternalStore(subscribe, () => location.search);

export type Route = { page: 'documentations' } | { page: 'integrations'; slug: string } | { page: 'versions'; slug: string } | { page: 'api-keys' } | { page: 'not-found'; path: string };

export const integrationsPath = (slug: string) => `/documentations/${encodeURIComponent(slug)}/integrations`;
export const versionsPath = (slug: string) => `/documentations/${encodeURIComponent(slug)}/versions`;

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/documentations') return { page: 'documentations' };
  const versions = /^\/documentations\/([^/]+)\/versions$/.exec(path);
  if (versions?.[1]) return { page: 'versions', slug: decodeURIComponent(versions[1]) };
  if (path === '/api-keys') return { page: 'api-keys' };
  const integrations = /^\/documentations\/([^/]+)(?:\/integrations)?$/.exec(path);
  if (integrations?.[1]) return { page: 'integrations', slug: decodeURIComponent(integrations[1]) };
  return { page: 'not-found', path: pathname };
}

interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
}

/** A real link (middle click, copy address, open in new tab all work) that navigates without a reload. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
