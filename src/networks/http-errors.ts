import { EgressError } from '../egress/safe-fetch.js';
import { NetworkError } from './errors.js';

/**
 * Maps a failure of the HTTP call itself. A refused or unresolvable connection, or a request that was never
 * written in full, never reached the network (safe to retry); a timeout or a connection cut after the
 * request was written may have been accepted (unknown outcome).
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function mapTransportError(network: string, error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  if (error instanceof EgressError) {
    if (error.reason === 'blocked' || error.reason === 'invalid_url') {
      return new NetworkError(
        network,
        'reconnect_required',
        `The channel's address is not usable: ${error.message}`,
      );
    }
    if (error.reason === 'network' && error.systemCode && NEVER_SENT.has(error.systemCode)) {
      return new NetworkError(network, 'transient', `${error.message}. Chorus will try again.`);
    }
    // Never written in full (no connection in time, or cut off mid-request): the network cannot have acted.
    if ((error.reason === 'network' || error.reason === 'timeout') && error.requestWritten === false) {
      return new NetworkError(
        network,
        'transient',
        `${error.message}. The request did not reach the network; Chorus will try again.`,
      );
    }
    return new NetworkError(
      network,
      'unknown_outcome',
      `${error.message}. The post may or may not have been published; Chorus will check before sending again.`,
    );
  }
  return new NetworkError(network, 'unknown_outcome', `Unexpected failure: ${(error as Error).message}`);
}
