import { sql, type RawBuilder } from 'kysely';

/**
 * The keyset condition for "the page after this row" in lists ordered newest first by (created_at, id):
 * rows strictly older than the cursor's row. `table` qualifies the columns in a join.
 */
export function olderThan(before: { createdAt: Date; id: string }, table?: string): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  return sql<boolean>`(${column('created_at')}, ${column('id')}) < (${before.createdAt}::timestamptz, ${before.id}::uuid)`;
}
