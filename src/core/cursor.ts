import { invalid } from './errors.js';
import { isUuid } from './ids.js';

/**
 * Keyset page cursors: the (created_at, id) of the last row of a page, opaque to clients. A cursor that
 * does not decode is refused with what to do (`what`: "events", "deliveries" — what the list holds).
 */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string, what: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  const year = createdAt.getUTCFullYear();
  if (!id || !isUuid(id) || Number.isNaN(year) || year < 1970 || year > 9999) {
    throw invalid(
      `The "before" cursor is not valid. Use the nextCursor of a previous page, or leave it out for the newest ${what}.`,
    );
  }
  return { createdAt, id };
}
