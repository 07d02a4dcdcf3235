/**
 * Property check for src/core/wallclock.ts against the runtime's time zone data.
 *
 *   node --import tsx scripts/dst-check.ts [--json] [--from 2020] [--to 2035] [--random 200] [--seed 20270328]
 *
 * For every zone Intl knows (plus UTC) it finds every offset transition in the years (a scan of the offset
 * every 6 hours, then bisection to the second), and checks:
 * - gap: the first, middle and last whole local minute inside it map forward by the gap's length
 *   (`gap_forward`), and the oracle confirms neither candidate instant shows that local time;
 * - overlap: the first, middle and last whole local minute inside it map to the earlier of the two instants
 *   that show it (`overlap_first`), and the oracle confirms both candidates show it;
 * - round trip, every 15 minutes from 3 hours before to 3 hours after each transition and at seeded random
 *   instants (per zone): toLocal agrees with the oracle, offsetMinutes agrees with the oracle's offset, and
 *   toInstant(toLocal(i)) is i, or, for the second occurrence of an overlapping local time, the first.
 *
 * The oracle never calls the module: it reads offsets from Intl's `longOffset` time zone name and local
 * times from a separately built `sv-SE` formatter, and does its arithmetic on the transitions it found.
 * Prints `cases N, zones Z, transitions T, mismatches M`; with --json, a JSON object as the last line.
 * Exits 1 on any mismatch.
 */
import { offsetMinutes, toInstant, toLocal } from '../src/core/wallclock.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SCAN_STEP_MS = 6 * HOUR_MS;

interface Transition {
  at: number; // first instant (whole second) with the new offset
  before: number; // offset in ms before
  after: number; // offset in ms from `at`
}

interface Mismatch {
  check: string;
  zone: string;
  input: string;
  expected: string;
  actual: string;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const raw = index >= 0 ? process.argv[index + 1] : undefined;
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} needs an integer`);
  return value;
}

// --- oracle: Intl directly, with its own formatters -----------------------------------------------------

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const localFormatters = new Map<string, Intl.DateTimeFormat>();

const OFFSET_PATTERN = /^GMT(?:([+\-\u2212])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;
const parsedOffsets = new Map<string, number>(); // "GMT+05:30" -> ms

/** The zone's offset at an instant in ms, read from Intl's `longOffset` time zone name. */
function oracleOffset(zone: string, ms: number): number {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) {
    // Only the minute beside the offset ("0 GMT+05:30"): the fewer fields, the faster the 6-hourly scan.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'longOffset',
      minute: 'numeric',
    });
    offsetFormatters.set(zone, formatter);
  }
  const text = formatter.format(ms);
  const name = text.slice(text.lastIndexOf('GMT'));
  let offset = parsedOffsets.get(name);
  if (offset === undefined) {
    const match = OFFSET_PATTERN.exec(name);
    if (!match) throw new Error(`Unexpected offset text "${text}" for ${zone}`);
    const size = (Number(match[2] ?? 0) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0)) * 1000;
    offset = match[1] === undefined || match[1] === '+' ? size : -size;
    parsedOffsets.set(name, offset);
  }
  return offset;
}

/** The local time a zone shows at an instant, `YYYY-MM-DDTHH:mm:ss`, from a `sv-SE` formatter. */
function oracleLocal(zone: string, ms: number): string {
  let formatter = localFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    localFormatters.set(zone, formatter);
  }
  return formatter.format(ms).replace(' ', 'T');
}

/** A local time held as epoch ms of the same fields in UTC, written `YYYY-MM-DDTHH:mm:ss`. */
const wall = (ms: number): string => new Date(ms).toISOString().slice(0, 19);
/** The same, in the module's output form (seconds only when not zero). */
const wallShort = (ms: number): string => {
  const full = wall(ms);
  return full.endsWith(':00') ? full.slice(0, 16) : full;
};
const iso = (ms: number): string => new Date(ms).toISOString();

// --- transitions --------------------------------------------------------------------------------------

function findTransitions(zone: string, start: number, end: number): Transition[] {
  const found: Transition[] = [];
  let t = start;
  let offset = oracleOffset(zone, t);
  while (t < end) {
    const next = Math.min(t + SCAN_STEP_MS, end);
    const nextOffset = oracleOffset(zone, next);
    if (nextOffset === offset) {
      t = next;
      continue;
    }
    // The offset changes in (t, next]: bisect to the second (offsets can only change on whole seconds).
    let lo = t;
    let hi = next;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (oracleOffset(zone, mid) === offset) lo = mid;
      else hi = mid;
    }
    const after = oracleOffset(zone, hi);
    found.push({ at: hi, before: offset, after });
    t = hi;
    offset = after;
  }
  return found;
}

// --- checks -------------------------------------------------------------------------------------------

let cases = 0;
let mismatchCount = 0;
const examples: Mismatch[] = [];

function record(check: string, zone: string, input: string, expected: string, actual: string): void {
  mismatchCount++;
  if (examples.length < 10) examples.push({ check, zone, input, expected, actual });
}

/** Whole local minutes (as wall ms) at the start, middle and end of the local interval [from, to). */
function minuteSamples(from: number, to: number): number[] {
  const first = Math.ceil(from / MINUTE_MS) * MINUTE_MS;
  const last = Math.floor((to - 1) / MINUTE_MS) * MINUTE_MS;
  if (first > last) return [];
  const middle = first + Math.floor((last - first) / MINUTE_MS / 2) * MINUTE_MS;
  return [...new Set([first, middle, last])];
}

function checkGap(zone: string, tr: Transition): void {
  const gap = tr.after - tr.before;
  for (const local of minuteSamples(tr.at + tr.before, tr.at + tr.after)) {
    cases++;
    const input = wallShort(local);
    // Oracle: nothing shows this local time, and the clock read without the jump shows it `gap` later.
    if (
      oracleLocal(zone, local - tr.before) === wall(local) ||
      oracleLocal(zone, local - tr.after) === wall(local)
    ) {
      record('gap-oracle', zone, input, 'a local time no instant shows', 'an instant shows it');
      continue;
    }
    const expectedLocal = wall(local + gap);
    try {
      const result = toInstant(input, zone);
      const shows = oracleLocal(zone, result.instant.getTime());
      if (shows !== expectedLocal || result.adjustment !== 'gap_forward') {
        record('gap', zone, input, `${expectedLocal} gap_forward`, `${shows} ${result.adjustment}`);
      }
    } catch (error) {
      record('gap', zone, input, `${expectedLocal} gap_forward`, String(error));
    }
  }
}

function checkOverlap(zone: string, tr: Transition): void {
  const overlap = tr.before - tr.after;
  for (const local of minuteSamples(tr.at + tr.after, tr.at + tr.before)) {
    cases++;
    const input = wallShort(local);
    const earlier = local - tr.before;
    const later = earlier + overlap;
    // Oracle: both candidates show this local time, one overlap apart.
    if (oracleLocal(zone, earlier) !== wall(local) || oracleLocal(zone, later) !== wall(local)) {
      record('overlap-oracle', zone, input, 'two instants showing it', 'fewer');
      continue;
    }
    try {
      const result = toInstant(input, zone);
      const instant = result.instant.getTime();
      const shows = oracleLocal(zone, instant);
      if (instant !== earlier || shows !== wall(local) || result.adjustment !== 'overlap_first') {
        record(
          'overlap',
          zone,
          input,
          `${iso(earlier)} overlap_first`,
          `${iso(instant)} (shows ${shows}) ${result.adjustment}`,
        );
      }
    } catch (error) {
      record('overlap', zone, input, `${iso(earlier)} overlap_first`, String(error));
    }
  }
}

/** toLocal, offsetMinutes and toInstant(toLocal(i)) at instant `ms` (whole seconds). */
function checkRoundTrip(zone: string, transitions: Transition[], ms: number): void {
  cases++;
  const input = iso(ms);
  try {
    const local = toLocal(new Date(ms), zone);
    const expectedLocal = wallShort(Date.parse(`${oracleLocal(zone, ms)}Z`));
    if (local !== expectedLocal) {
      record('toLocal', zone, input, expectedLocal, local);
      return;
    }
    const offset = offsetMinutes(new Date(ms), zone);
    if (offset !== oracleOffset(zone, ms) / MINUTE_MS) {
      record('offsetMinutes', zone, input, String(oracleOffset(zone, ms) / MINUTE_MS), String(offset));
      return;
    }
    // Expected: the instant itself, unless its local time also happened earlier (the overlap's second run).
    let expected = ms;
    let adjustment = 'none';
    for (const tr of transitions) {
      const overlap = tr.before - tr.after;
      if (overlap > 0 && ms >= tr.at - overlap && ms < tr.at + overlap) {
        adjustment = 'overlap_first';
        if (ms >= tr.at) expected = ms - overlap;
      }
    }
    const result = toInstant(local, zone);
    if (result.instant.getTime() !== expected || result.adjustment !== adjustment) {
      record(
        'roundTrip',
        zone,
        `${input} = ${local}`,
        `${iso(expected)} ${adjustment}`,
        `${result.instant.toISOString()} ${result.adjustment}`,
      );
    }
  } catch (error) {
    record('roundTrip', zone, input, 'no error', String(error));
  }
}

/** A small seeded generator (mulberry32), so every run checks the same instants. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// --- main ---------------------------------------------------------------------------------------------

const json = process.argv.includes('--json');
const fromYear = option('--from', 2020);
const toYear = option('--to', 2035);
const perZone = option('--random', 200);
const next = random(option('--seed', 20270328));

const started = performance.now();
const start = Date.UTC(fromYear, 0, 1);
const end = Date.UTC(toYear + 1, 0, 1);
const zones = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])];
let transitionCount = 0;

for (const zone of zones) {
  const transitions = findTransitions(zone, start, end);
  transitionCount += transitions.length;
  for (const tr of transitions) {
    if (tr.after > tr.before) checkGap(zone, tr);
    else checkOverlap(zone, tr);
    for (let step = -12; step <= 12; step++) checkRoundTrip(zone, transitions, tr.at + step * 15 * MINUTE_MS);
  }
  for (let i = 0; i < perZone; i++) {
    checkRoundTrip(zone, transitions, start + Math.floor((next() * (end - start)) / 1000) * 1000);
  }
}

const seconds = Math.round(performance.now() - started) / 1000;
console.log(
  `cases ${cases}, zones ${zones.length}, transitions ${transitionCount}, mismatches ${mismatchCount}`,
);
if (json) {
  const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  console.log(
    JSON.stringify({
      cases,
      zones: zones.length,
      transitions: transitionCount,
      mismatches: mismatchCount,
      examples,
      years: [fromYear, toYear],
      processZone,
      seconds,
    }),
  );
} else {
  for (const example of examples) console.log(example);
  console.log(`(${seconds} s)`);
}
process.exitCode = mismatchCount > 0 ? 1 : 0;
