/** Where the API key lives between visits: this browser's localStorage, nowhere else. */
const STORAGE_KEY = 'hookline.apiKey';

export function readStoredKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled (private mode, policy): the key lasts for this page only.
    return null;
  }
}

export function storeKey(key: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, key);
  } catch {
    // As above: signing in still works until the tab is closed.
  }
}

export function forgetKey(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/**
 * A link such as `/documentations/payments/integrations#key=hk_…` signs in
 * directly. The key is taken out of the address bar and this history entry at
 * once, so it is not bookmarked, shared or left in the back button.
 */
export function takeKeyFromLocation(): string | null {
  if (!location.hash.includes('key=')) return null;
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get('key')?.trim();
  fragment.delete('key');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return key || null;
}

/** `hk_AbCdEfGhIjKl…`: enough to tell which key is in use. */
export const keyLabel = (key: string) => {
  const prefix = /^hk_[A-Za-z0-9]+/.exec(key)?.[0];
  return prefix ? `${prefix}…` : `${key.slice(0, 6)}…`;
};
