import { ManualClock } from '../../../core/clock.js';
import { createLogger } from '../../../core/logger.js';
import { safeFetch } from '../../../egress/safe-fetch.js';
import type { AdapterDeps, HttpClient } from '../../contract.js';

/**
 * Adapter dependencies for tests, as the contract suite builds them: the SSRF-guarded client allowed to
 * reach only the stand-in's host:port (any other address is recorded and refused), a manual clock, and a
 * logger whose lines are kept.
 */
export function testDeps(host: string, clock = new ManualClock(new Date())) {
  const logLines: string[] = [];
  const violations: string[] = [];
  const http: HttpClient = (url, request) => {
    if (new URL(url).host !== host) {
      violations.push(url);
      return Promise.reject(
        new Error(`outbound request to ${new URL(url).host} is not allowed in this test`),
      );
    }
    return safeFetch(
      url,
      { ...request, timeoutMs: Math.min(request.timeoutMs ?? 1000, 1000) },
      { allowPrivate: false, allowList: [host] },
    );
  };
  const deps: AdapterDeps = {
    http,
    clock,
    logger: createLogger('trace', { write: (line: string) => void logLines.push(line) }),
  };
  return { deps, clock, logLines, violations };
}
