import { useSyncExternalStore } from 'react';

const subscribe = (listener: () => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};

/** False while the tab is in the background: polling waits until someone looks again. */
export const usePageVisible = () => useSyncExternalStore(subscribe, () => document.visibilityState === 'visible');
