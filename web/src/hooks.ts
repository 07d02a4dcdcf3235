import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { DependencyList, Dispatch, SetStateAction } from 'react';
import { ApiError, isAbortError, toApiError } from './api.js';

export interface AsyncResource<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: Dispatch<SetStateAction<T | undefined>>;
}

/** Loads data when `deps` (what `load` depends on) change; stale answers are dropped and the request aborted. */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
): AsyncResource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted || isAbortError(reason)) return;
        setError(toApiError(reason));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Action {
  busy: boolean;
  error: ApiError | null;
  setError: (error: ApiError | null) => void;
  /**
   * Runs `work`, recording a failure in `error`; resolves to whether it succeeded. An exclusive action
   * ignores calls made while it is already running (a double submit), resolving to false.
   */
  run: (work: () => Promise<void>) => Promise<boolean>;
}

export function useAction({ exclusive = true }: { exclusive?: boolean } = {}): Action {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const runningRef = useRef(0);
  const run = useCallback(
    async (work: () => Promise<void>): Promise<boolean> => {
      if (exclusive && runningRef.current > 0) return false;
      runningRef.current += 1;
      setRunning(runningRef.current);
      setError(null);
      try {
        await work();
        return true;
      } catch (reason) {
        setError(toApiError(reason));
        return false;
      } finally {
        runningRef.current -= 1;
        setRunning(runningRef.current);
      }
    },
    [exclusive],
  );
  return { busy: running > 0, error, setError, run };
}

export function useDocumentTitle(...parts: string[]): void {
  const title = [...parts, 'Chorus'].filter(Boolean).join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** Calls `callback` every `ms` while the page is visible; null stops it. */
export function useInterval(callback: () => void, ms: number | null): void {
  const callbackRef = useRef(callback);
  useLayoutEffect(() => {
    callbackRef.current = callback;
  });
  useEffect(() => {
    if (ms === null) return;
    const id = window.setInterval(() => {
      if (!document.hidden) callbackRef.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms]);
}
