import { describe, expect, it } from 'vitest';
import { isUuid, newId } from './ids.js';

describe('newId (UUID version 7)', () => {
  it('is a UUID with version 7 and the RFC variant, its time in the first 48 bits', () => {
    const now = Date.UTC(2026, 10, 26, 8, 30, 0, 123);
    const id = newId(now);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('counts up within one millisecond, so ids sort in the order they were made', () => {
    const at = 1_800_000_000_000;
    const ids = Array.from({ length: 6_000 }, () => newId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(6_000);
    // 6,000 ids overflow the 12-bit counter: the time moves on rather than wrapping.
    expect(parseInt(ids.at(-1)!.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThan(at);
    // Made now, one after another, they sort as made too.
    const now = Array.from({ length: 1_000 }, () => newId());
    expect([...now].sort()).toEqual(now);
  });

  it('sorts by time, and never repeats', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => newId(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000))).size).toBe(10_000);
  });
});
