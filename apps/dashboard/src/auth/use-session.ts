import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApiClient, type ApiClient, type ApiProblem } from '../api';
import { forgetKey, readStoredKey, storeKey, takeKeyFromLocation } from './key-storage';

export type Session =
  | { state: 'checking' }
  | { state: 'signed-out'; problem: ApiProblem | null; signIn: (key: string) => Promise<ApiProblem | null> }
  | {
      state: 'signed-in';
      apiKey: string;
      client: ApiClient;
      signOut: () => void;
      /** A #key= link for another key, opened while signed in: used only once the person agrees. */
      offeredKey: string | null;
      acceptOfferedKey: () => Promise<ApiProblem | null>;
      declineOfferedKey: () => void;
    };

/** Asks the API whether a key works: any /v1 call answers 401 for a bad one. */
async function check(key: string): Promise<ApiProblem | null> {
  try {
    await createApiClient(key).listDocumentations();
    return null;
  } catch (error) {
    const problem = error as ApiProblem;
    // Only a refusal means the key is wrong; a server that is down is said on the pages.
    return problem.status === 401 ? problem : null;
  }
}

export function useSession(): Session {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  // A link's key never replaces the one in use silently: that would sign a person into
  // someone else's organization (login CSRF), where what they add is seen by the other side.
  const [offeredKey, setOfferedKey] = useState<string | null>(null);
  // The link's key, kept for a second run of the effect below (React's strict mode), which
  // finds the address bar already cleaned.
  const linkKey = useRef<string | null>(null);

  const signOut = useCallback((reason: ApiProblem | null = null) => {
    forgetKey();
    setApiKey(null);
    setProblem(reason);
  }, []);

  const signIn = useCallback(async (key: string) => {
    const refused = await check(key);
    if (refused) return refused;
    storeKey(key);
    setProblem(null);
    setApiKey(key);
    return null;
  }, []);

  useEffect(() => {
    // Stored before it is checked so that a second run of this effect (React's
    // strict mode) finds it; a refused key is forgotten below.
    const fromLink = takeKeyFromLocation() ?? linkKey.current;
    linkKey.current = fromLink;
    const stored = readStoredKey();
    if (fromLink && stored && fromLink !== stored) setOfferedKey(fromLink);
    else if (fromLink) storeKey(fromLink);
    const key = stored ?? fromLink;
    if (!key) return setChecking(false);
    let current = true;
    const start = (candidate: string, fallback: string | null): void =>
      void check(candidate).then((refused) => {
        if (!current) return;
        // The stored key no longer works: nothing to protect, so the link's key is simply used.
        if (refused && fallback) {
          setOfferedKey(null);
          storeKey(fallback);
          return start(fallback, null);
        }
        if (refused) {
          forgetKey();
          setProblem(refused);
        } else {
          setApiKey(candidate);
        }
        setChecking(false);
      });
    start(key, stored && fromLink && fromLink !== stored ? fromLink : null);
    return () => {
      current = false;
    };
  }, []);

  // A #key= link opened while this page is already open only changes the hash.
  useEffect(() => {
    const onHashChange = () => {
      const key = takeKeyFromLocation();
      if (!key) return;
      const stored = readStoredKey();
      const useLinkKey = () =>
        void signIn(key).then((refused) => {
          if (refused) signOut(refused);
        });
      if (stored === null || stored === key) return useLinkKey();
      // Ask only if the key in use still works; a refused one protects nothing.
      void check(stored).then((refused) => (refused ? useLinkKey() : setOfferedKey(key)));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [signIn, signOut]);

  const acceptOfferedKey = useCallback(async () => {
    if (!offeredKey) return null;
    const refused = await signIn(offeredKey);
    if (!refused) setOfferedKey(null);
    return refused;
  }, [offeredKey, signIn]);
  const declineOfferedKey = useCallback(() => setOfferedKey(null), []);

  // A key revoked while the page is open: back to the sign-in form, saying why.
  const client = useMemo(() => (apiKey ? createApiClient(apiKey, (refused) => signOut(refused)) : null), [apiKey, signOut]);

  if (checking) return { state: 'checking' };
  if (!apiKey || !client) return { state: 'signed-out', problem, signIn };
  return { state: 'signed-in', apiKey, client, signOut: () => signOut(null), offeredKey, acceptOfferedKey, declineOfferedKey };
}
