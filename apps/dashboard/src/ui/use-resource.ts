import { useCallback, useEffect, useRef, useState } from 'react';
import { asProblem, type ApiProblem } from '../api';

export interface Resource<T> {
  data: T | undefined;
  problem: ApiProblem | undefined;
  /** True during the first load; a reload keeps showing the previous data. */
  loading: boolean;
  refreshing: boolean;
  reload: () => Promise<void>;
  replace: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * Loads on mount and whenever `deps` change. An answer that arrives after a
 * newer request was made is dropped, so a slow poll never overwrites a fresh
 * result.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [pending, setPending] = useState(true);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setPending(true);
    try {
      const result = await loader.current();
      if (mine !== generation.current) return;
      setData(result);
      setProblem(undefined);
    } catch (error) {
      if (mine === generation.current) setProblem(asProblem(error));
    } finally {
      if (mine === generation.current) setPending(false);
    }
  }, []);

  useEffect(() => {
    setData(undefined);
    setProblem(undefined);
    void reload();
    return () => {
      generation.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, problem, loading: pending && data === undefined, refreshing: pending && data !== undefined, reload, replace: setData };
}
