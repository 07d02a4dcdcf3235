import { describe, expect, it } from 'vitest';
import { EgressError } from '../egress/safe-fetch.js';
import { mapTransportError } from './http-errors.js';

describe('transport failures', () => {
  const kind = (error: EgressError) => mapTransportError('example', error).kind;

  it('retries what cannot have reached the network, and doubts what may have', () => {
    expect(kind(new EgressError('refused', 'network', 'ECONNREFUSED', false))).toBe('transient');
    expect(kind(new EgressError('no connection in time', 'timeout', undefined, false))).toBe('transient');
    expect(
      kind(new EgressError('reset before the request was written', 'network', 'ECONNRESET', false)),
    ).toBe('transient');
    expect(kind(new EgressError('no answer in time', 'timeout', undefined, true))).toBe('unknown_outcome');
    expect(kind(new EgressError('reset after writing', 'network', 'ECONNRESET', true))).toBe(
      'unknown_outcome',
    );
    // Not known whether it was written: in doubt.
    expect(kind(new EgressError('no answer in time', 'timeout'))).toBe('unknown_outcome');
  });
});
