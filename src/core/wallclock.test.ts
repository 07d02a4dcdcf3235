import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isValidTimeZone, offsetMinutes, parseLocal, toInstant, toLocal } from './wallclock.js';

const at = (iso: string) => new Date(iso);

/** toInstant's answer as `[ISO instant, adjustment]`, so each case reads as one line. */
const resolve = (local: string, zone: string) => {
  const { instant, adjustment } = toInstant(local, zone);
  return [instant.toISOString(), adjustment];
};

describe('toInstant', () => {
  it('maps ordinary local times with the zone offset, whatever the process TZ', () => {
    expect(resolve('2027-01-15T09:00', 'Europe/Berlin')).toEqual(['2027-01-15T08:00:00.000Z', 'none']);
    expect(resolve('2027-07-15T09:00', 'Europe/Berlin')).toEqual(['2027-07-15T07:00:00.000Z', 'none']);
    expect(resolve('2027-07-15T09:00', 'UTC')).toEqual(['2027-07-15T09:00:00.000Z', 'none']);
    expect(resolve('2027-06-01T12:00:30', 'Europe/Berlin')).toEqual(['2027-06-01T10:00:30.000Z', 'none']);
  });

  it('moves a time in a spring-forward gap forward by the gap (Europe/Berlin 2027-03-28)', () => {
    expect(resolve('2027-03-28T01:59', 'Europe/Berlin')).toEqual(['2027-03-28T00:59:00.000Z', 'none']);
    expect(resolve('2027-03-28T02:00', 'Europe/Berlin')).toEqual(['2027-03-28T01:00:00.000Z', 'gap_forward']);
    expect(resolve('2027-03-28T02:30', 'Europe/Berlin')).toEqual(['2027-03-28T01:30:00.000Z', 'gap_forward']);
    expect(resolve('2027-03-28T02:59', 'Europe/Berlin')).toEqual(['2027-03-28T01:59:00.000Z', 'gap_forward']);
    expect(resolve('2027-03-28T03:00', 'Europe/Berlin')).toEqual(['2027-03-28T01:00:00.000Z', 'none']);
    expect(toLocal(toInstant('2027-03-28T02:30', 'Europe/Berlin').instant, 'Europe/Berlin')).toBe(
      '2027-03-28T03:30',
    );
  });

  it('takes the first occurrence of a time in a fall-back overlap (Europe/Berlin 2027-10-31)', () => {
    expect(resolve('2027-10-31T01:59', 'Europe/Berlin')).toEqual(['2027-10-30T23:59:00.000Z', 'none']);
    expect(resolve('2027-10-31T02:00', 'Europe/Berlin')).toEqual([
      '2027-10-31T00:00:00.000Z',
      'overlap_first',
    ]);
    expect(resolve('2027-10-31T02:30', 'Europe/Berlin')).toEqual([
      '2027-10-31T00:30:00.000Z',
      'overlap_first',
    ]);
    expect(resolve('2027-10-31T02:59', 'Europe/Berlin')).toEqual([
      '2027-10-31T00:59:00.000Z',
      'overlap_first',
    ]);
    expect(resolve('2027-10-31T03:00', 'Europe/Berlin')).toEqual(['2027-10-31T02:00:00.000Z', 'none']);
    // Both 00:30Z and 01:30Z show 02:30; the second occurrence resolves back to the first.
    expect(toLocal(at('2027-10-31T01:30:00Z'), 'Europe/Berlin')).toBe('2027-10-31T02:30');
  });

  it('handles America/New_York in 2026 (negative offsets)', () => {
    expect(resolve('2026-03-08T01:59', 'America/New_York')).toEqual(['2026-03-08T06:59:00.000Z', 'none']);
    expect(resolve('2026-03-08T02:30', 'America/New_York')).toEqual([
      '2026-03-08T07:30:00.000Z',
      'gap_forward',
    ]);
    expect(toLocal(at('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('2026-03-08T03:30');
    expect(resolve('2026-03-08T03:00', 'America/New_York')).toEqual(['2026-03-08T07:00:00.000Z', 'none']);
    expect(resolve('2026-11-01T00:59', 'America/New_York')).toEqual(['2026-11-01T04:59:00.000Z', 'none']);
    expect(resolve('2026-11-01T01:30', 'America/New_York')).toEqual([
      '2026-11-01T05:30:00.000Z',
      'overlap_first',
    ]);
    expect(toLocal(at('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01T01:30');
    expect(resolve('2026-11-01T02:00', 'America/New_York')).toEqual(['2026-11-01T07:00:00.000Z', 'none']);
  });

  it('handles the 30-minute shifts of Australia/Lord_Howe (+10:30 / +11:00)', () => {
    // 2026-10-04 02:00 -> 02:30: a 30-minute gap moves 02:15 to 02:45.
    expect(resolve('2026-10-04T02:15', 'Australia/Lord_Howe')).toEqual([
      '2026-10-03T15:45:00.000Z',
      'gap_forward',
    ]);
    expect(toLocal(at('2026-10-03T15:45:00Z'), 'Australia/Lord_Howe')).toBe('2026-10-04T02:45');
    expect(resolve('2026-10-04T02:30', 'Australia/Lord_Howe')).toEqual(['2026-10-03T15:30:00.000Z', 'none']);
    // 2026-04-05 02:00 -> 01:30: 01:45 happens twice; the first is at +11:00.
    expect(resolve('2026-04-05T01:45', 'Australia/Lord_Howe')).toEqual([
      '2026-04-04T14:45:00.000Z',
      'overlap_first',
    ]);
    expect(toLocal(at('2026-04-04T15:15:00Z'), 'Australia/Lord_Howe')).toBe('2026-04-05T01:45');
    expect(offsetMinutes(at('2026-01-15T00:00:00Z'), 'Australia/Lord_Howe')).toBe(660);
    expect(offsetMinutes(at('2026-07-15T00:00:00Z'), 'Australia/Lord_Howe')).toBe(630);
  });

  it('moves a time on the day Pacific/Apia skipped (2011-12-30) forward a whole day', () => {
    expect(resolve('2011-12-29T23:59', 'Pacific/Apia')).toEqual(['2011-12-30T09:59:00.000Z', 'none']);
    expect(resolve('2011-12-30T12:00', 'Pacific/Apia')).toEqual(['2011-12-30T22:00:00.000Z', 'gap_forward']);
    expect(toLocal(at('2011-12-30T22:00:00Z'), 'Pacific/Apia')).toBe('2011-12-31T12:00');
    expect(resolve('2011-12-31T00:00', 'Pacific/Apia')).toEqual(['2011-12-30T10:00:00.000Z', 'none']);
  });

  it('handles zones without DST and with 30/45-minute offsets', () => {
    expect(resolve('2027-03-28T02:30', 'Asia/Kolkata')).toEqual(['2027-03-27T21:00:00.000Z', 'none']);
    expect(resolve('2027-10-31T02:30', 'Asia/Kolkata')).toEqual(['2027-10-30T21:00:00.000Z', 'none']);
    expect(offsetMinutes(at('2027-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetMinutes(at('2027-07-15T00:00:00Z'), 'Asia/Kolkata')).toBe(330);

    expect(resolve('2027-01-15T09:00', 'America/St_Johns')).toEqual(['2027-01-15T12:30:00.000Z', 'none']);
    expect(offsetMinutes(at('2027-01-15T12:30:00Z'), 'America/St_Johns')).toBe(-210);
    expect(resolve('2026-03-08T02:30', 'America/St_Johns')).toEqual([
      '2026-03-08T06:00:00.000Z',
      'gap_forward',
    ]);
    expect(toLocal(at('2026-03-08T06:00:00Z'), 'America/St_Johns')).toBe('2026-03-08T03:30');

    expect(resolve('2027-01-15T09:00', 'Pacific/Chatham')).toEqual(['2027-01-14T19:15:00.000Z', 'none']);
    expect(offsetMinutes(at('2027-01-14T19:15:00Z'), 'Pacific/Chatham')).toBe(825);
    expect(offsetMinutes(at('2027-07-15T00:00:00Z'), 'Pacific/Chatham')).toBe(765);
  });
});

describe('toLocal', () => {
  it('writes minutes, and seconds only when they are not zero; drops milliseconds', () => {
    expect(toLocal(at('2027-01-15T08:00:00Z'), 'Europe/Berlin')).toBe('2027-01-15T09:00');
    expect(toLocal(at('2027-01-15T08:00:07.999Z'), 'Europe/Berlin')).toBe('2027-01-15T09:00:07');
    expect(toLocal(at('2027-01-14T23:30:00Z'), 'Asia/Kolkata')).toBe('2027-01-15T05:00');
    expect(toLocal(at('2027-01-01T00:00:00Z'), 'America/New_York')).toBe('2026-12-31T19:00');
  });

  it('refuses an invalid date', () => {
    expect(() => toLocal(new Date(Number.NaN), 'UTC')).toThrow(/not a valid date/);
  });
});

describe('parseLocal and zone names', () => {
  it('parses minutes and seconds precision', () => {
    expect(parseLocal('2027-03-28T09:30')).toEqual({
      year: 2027,
      month: 3,
      day: 28,
      hour: 9,
      minute: 30,
      second: 0,
    });
    expect(parseLocal('2028-02-29T23:59:59')).toEqual({
      year: 2028,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 59,
    });
    expect(parseLocal('2000-02-29T00:00').day).toBe(29);
  });

  it('refuses malformed or impossible local times with a clear message', () => {
    for (const bad of [
      '2027-02-30T10:00',
      '2027-02-29T10:00',
      '2100-02-29T10:00',
      '2027-04-31T10:00',
      '2027-13-01T10:00',
      '2027-00-10T10:00',
      '2027-03-28T24:00',
      '2027-03-28T09:60',
      '2027-03-28T09:30:60',
      '2027-03-28 09:30',
      '2027-3-28T09:30',
      '2027-03-28T09:30Z',
      '2027-03-28T09:30+01:00',
      '2027-03-28T09:30:00.000',
      '0000-01-01T00:00',
      '',
    ]) {
      expect(() => parseLocal(bad), bad).toThrow(
        `"${bad}" is not a local date and time like 2027-03-28T09:30`,
      );
      expect(() => toInstant(bad, 'Europe/Berlin'), bad).toThrow(/is not a local date and time/);
    }
  });

  it('knows IANA zones and names an unknown one', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'America/St_Johns']) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
    for (const zone of ['Mars/Olympus', '', ' Europe/Berlin', '+01:00']) {
      expect(isValidTimeZone(zone), zone).toBe(false);
    }
    const message = 'Unknown time zone "Mars/Olympus": use an IANA name such as Europe/Berlin';
    expect(() => toInstant('2027-01-01T00:00', 'Mars/Olympus')).toThrow(message);
    expect(() => toLocal(at('2027-01-01T00:00:00Z'), 'Mars/Olympus')).toThrow(message);
    expect(() => offsetMinutes(at('2027-01-01T00:00:00Z'), 'Mars/Olympus')).toThrow(message);
  });
});

interface CheckReport {
  cases: number;
  zones: number;
  transitions: number;
  mismatches: number;
  examples: unknown[];
  processZone: string;
  seconds: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs scripts/dst-check.ts in a child process with the given TZ (undefined: TZ removed). */
function runCheck(tz: string | undefined): Promise<CheckReport> {
  const env = { ...process.env };
  delete env.TZ;
  if (tz !== undefined) env.TZ = tz;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/dst-check.ts', '--json'],
      { cwd: root, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          done(JSON.parse(last) as CheckReport);
        } catch {
          fail(
            new Error(
              `dst-check (TZ=${tz ?? 'unset'}) printed no JSON: ${String(error)}\n${stdout}\n${stderr}`,
            ),
          );
        }
      },
    );
  });
}

describe('property check (scripts/dst-check.ts)', () => {
  // Each run takes about 15 s on one core; the three run side by side.
  it(
    'finds no mismatch over every zone, 2020–2035, under three process time zones',
    { timeout: 240_000 },
    async () => {
      const [utc, kolkata, unset] = await Promise.all([
        runCheck('UTC'),
        runCheck('Asia/Kolkata'),
        runCheck(undefined),
      ]);
      for (const report of [utc, kolkata, unset]) {
        expect(report.mismatches, JSON.stringify(report.examples)).toBe(0);
        expect(report.cases).toBeGreaterThan(150_000);
        expect(report.transitions).toBeGreaterThan(3_000);
        expect(report.zones).toBeGreaterThan(400);
      }
      expect(utc.processZone).toBe('UTC');
      expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(kolkata.processZone);
      expect([kolkata.cases, unset.cases]).toEqual([utc.cases, utc.cases]);
      expect([kolkata.transitions, unset.transitions]).toEqual([utc.transitions, utc.transitions]);
    },
  );
});
