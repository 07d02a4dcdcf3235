/** Pure helpers of the queue editor: weekdays, the time format, slot ordering and the server's slot problems. */

import type { ApiError } from '../api.js';
import type { QueueSlot } from '../types.js';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface DraftSlot extends QueueSlot {
  key: number;
}

/** Where a problem the server found belongs: `slots[3]`, `slots[3].time` or `body.slots.3.time` → 3. */
export function slotIndexOf(path: string): number | null {
  const match = /(?:^|\.)slots(?:\[(\d+)\]|\.(\d+))/.exec(path);
  if (!match) return null;
  return Number(match[1] ?? match[2]);
}

/** The problems of a refused grid, by slot index; null when the error is not about slots. */
export function locate(error: ApiError): Map<number, string[]> | null {
  const details = error.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined;
  if (!details || !Array.isArray(details.issues)) return null;
  const found = new Map<number, string[]>();
  for (const issue of details.issues) {
    const index = typeof issue.path === 'string' ? slotIndexOf(issue.path) : null;
    if (index === null || typeof issue.message !== 'string') return null;
    found.set(index, [...(found.get(index) ?? []), issue.message]);
  }
  return found.size > 0 ? found : null;
}

const slotFormats = new Map<string, Intl.DateTimeFormat>();
/** A slot's instant as the queue's clock reads it: "Thursday, 4 Mar, 18:30". */
export function formatSlot(iso: string, timeZone: string): string {
  let format = slotFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      weekday: 'long',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    slotFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export const byTime = (a: QueueSlot, b: QueueSlot) => a.weekday - b.weekday || a.time.localeCompare(b.time);
export const sameGrid = (a: QueueSlot[], b: QueueSlot[]) =>
  JSON.stringify(a.map(({ weekday, time, categoryId }) => [weekday, time, categoryId]).sort()) ===
  JSON.stringify(b.map(({ weekday, time, categoryId }) => [weekday, time, categoryId]).sort());
