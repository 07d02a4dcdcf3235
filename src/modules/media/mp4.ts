/**
 * The duration of an MP4 or QuickTime (MOV) file, from its movie header (`moov` → `mvhd`, ISO/IEC 14496-12
 * §8.2.2; QuickTime File Format "Movie header atom"). Boxes are a 32-bit big-endian size and a four-letter
 * type; size 1 means a 64-bit size follows, size 0 means "to the end of the file". `mvhd` version 0 holds a
 * 32-bit timescale (units per second) and a 32-bit duration; version 1 a 64-bit duration.
 *
 * `Mp4DurationScanner` reads the file as it streams past (an upload), skipping every top-level box but
 * `moov`, which may come before or after the media data; only `moov` is kept in memory (capped).
 */

const MAX_MOOV_BYTES = 32 * 1024 * 1024;

interface BoxHeader {
  type: string;
  /** Header length (8 or 16). */
  header: number;
  /** Whole box length, or null for "to the end". */
  size: number | null;
}

function readHeader(bytes: Uint8Array, offset: number): BoxHeader | 'short' | 'invalid' {
  if (bytes.length - offset < 8) return 'short';
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const size32 = view.getUint32(0);
  const type = String.fromCharCode(
    bytes[offset + 4]!,
    bytes[offset + 5]!,
    bytes[offset + 6]!,
    bytes[offset + 7]!,
  );
  if (size32 === 1) {
    if (bytes.length - offset < 16) return 'short';
    const size = Number(view.getBigUint64(8));
    return size < 16 ? 'invalid' : { type, header: 16, size };
  }
  if (size32 === 0) return { type, header: 8, size: null };
  return size32 < 8 ? 'invalid' : { type, header: 8, size: size32 };
}

/** Duration in seconds from an `mvhd` box's payload (after its 8-byte header), or null if malformed. */
export function parseMvhd(payload: Uint8Array): number | null {
  if (payload.length < 4) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const version = payload[0];
  let timescale: number;
  let duration: number;
  if (version === 0) {
    // version(1) flags(3) creation(4) modification(4) timescale(4) duration(4)
    if (payload.length < 20) return null;
    timescale = view.getUint32(12);
    duration = view.getUint32(16);
    if (duration === 0xffffffff) return null; // "unknown"
  } else if (version === 1) {
    // version(1) flags(3) creation(8) modification(8) timescale(4) duration(8)
    if (payload.length < 32) return null;
    timescale = view.getUint32(20);
    const d = view.getBigUint64(24);
    if (d === 0xffffffffffffffffn) return null;
    duration = Number(d);
  } else return null;
  if (timescale === 0) return null;
  return duration / timescale;
}

/** Finds `mvhd` among the children of a `moov` box's payload and reads the duration. */
export function durationFromMoov(moovPayload: Uint8Array): number | null {
  let offset = 0;
  while (offset < moovPayload.length) {
    const h = readHeader(moovPayload, offset);
    if (typeof h === 'string') return null;
    const end = h.size === null ? moovPayload.length : offset + h.size;
    if (end > moovPayload.length) return null;
    if (h.type === 'mvhd') return parseMvhd(moovPayload.subarray(offset + h.header, end));
    offset = end;
  }
  return null;
}

/** The duration of a whole file held in memory (top-level boxes → `moov` → `mvhd`). */
export function mp4Duration(file: Uint8Array): number | null {
  const scanner = new Mp4DurationScanner();
  scanner.push(file);
  return scanner.result();
}

/** Feeds a file chunk by chunk; `result()` is the duration once `moov` has passed, else null. */
export class Mp4DurationScanner {
  private pending = new Uint8Array(0);
  /** Bytes of the current non-moov box still to skip. */
  private skip = 0;
  private moov: Uint8Array[] | null = null;
  private moovRemaining = 0;
  private moovHeader = 0;
  private done = false;
  private duration: number | null = null;

  push(chunk: Uint8Array): void {
    let data = chunk;
    while (!this.done && data.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      if (this.moov) {
        const n = Math.min(this.moovRemaining, data.length);
        this.moov.push(data.subarray(0, n));
        this.moovRemaining -= n;
        data = data.subarray(n);
        if (this.moovRemaining === 0) this.finishMoov();
        continue;
      }
      const joined = this.pending.length > 0 ? concat([this.pending, data]) : data;
      const h = readHeader(joined, 0);
      if (h === 'short') {
        this.pending = new Uint8Array(joined);
        return;
      }
      this.pending = new Uint8Array(0);
      if (h === 'invalid' || h.size === null) {
        // Malformed, or a last box running to the end: nothing after it to find.
        this.done = true;
        return;
      }
      if (h.type === 'moov') {
        if (h.size > MAX_MOOV_BYTES) {
          this.done = true;
          return;
        }
        this.moov = [];
        this.moovHeader = h.header;
        this.moovRemaining = h.size;
      } else {
        this.skip = h.size;
      }
      data = joined;
    }
  }

  private finishMoov(): void {
    const box = concat(this.moov!);
    this.moov = null;
    this.duration = durationFromMoov(box.subarray(this.moovHeader));
    this.done = true;
  }

  result(): number | null {
    return this.duration;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
