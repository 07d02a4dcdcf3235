import { describe, expect, it } from 'vitest';
import { nextDigestAt } from './digest-time.js';

describe('nextDigestAt', () => {
  it('is the same day when the hour is still to come, else the next day', () => {
    const berlin = { hour: 8, timeZone: 'Europe/Berlin' };
    expect(nextDigestAt(new Date('2027-05-03T05:30:00Z'), berlin)).toEqual({
      at: new Date('2027-05-03T06:00:00Z'),
      period: '2027-05-03',
    });
    expect(nextDigestAt(new Date('2027-05-03T06:00:00Z'), berlin)).toEqual({
      at: new Date('2027-05-04T06:00:00Z'),
      period: '2027-05-04',
    });
  });

  it('reads the local date in the zone, not in UTC', () => {
    // 23:30 UTC on 3 May is already 4 May in Tokyo; 07:00 there on the 4th is 22:00 UTC on the 3rd (past).
    expect(nextDigestAt(new Date('2027-05-03T23:30:00Z'), { hour: 7, timeZone: 'Asia/Tokyo' })).toEqual({
      at: new Date('2027-05-04T22:00:00Z'),
      period: '2027-05-05',
    });
  });

  it('moves an hour skipped by the clock change forward', () => {
    // Europe/Berlin skips 02:00–03:00 on 28 March 2027.
    const r = nextDigestAt(new Date('2027-03-27T12:00:00Z'), { hour: 2, timeZone: 'Europe/Berlin' });
    expect(r.period).toBe('2027-03-28');
    expect(r.at).toEqual(new Date('2027-03-28T01:00:00Z'));
  });
});
