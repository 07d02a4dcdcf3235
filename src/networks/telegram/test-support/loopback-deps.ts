import type { Clock } from '../../../core/clock.js';
import { createLogger } from '../../../core/logger.js';
import { safeFetch } from '../../../egress/safe-fetch.js';
import type { AdapterDeps } from '../../contract.js';

/**
 * Adapter dependencies whose HTTP client reaches only `host` (a loopback server of the test), like the
 * contract suite's client; log lines are collected in `logLines`.
 */
export function loopbackDeps(
  host: string,
  clock: Clock,
  logLines: string[],
  maxTimeoutMs = 2000,
): AdapterDeps {
  return {
    http: (url, request) => {
      const target = new URL(url).host;
      if (target !== host) return Promise.reject(new Error(`${target} is not allowed in this test`));
      const timeoutMs = Math.min(request.timeoutMs ?? maxTimeoutMs, maxTimeoutMs);
      return safeFetch(url, { ...request, timeoutMs }, { allowPrivate: false, allowList: [host] });
    },
    clock,
    logger: createLogger('trace', { write: (line: string) => void logLines.push(line) }),
  };
}
