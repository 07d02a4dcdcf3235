import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { withIdLookups } from './engine.js';

/** pg-boss's own statements (the version installed), as it sends them to the database. */
const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as Record<
  string,
  (schema: string) => string
>;

describe('job statements by id', () => {
  it.each(['completeJobs', 'failJobsById', 'cancelJobs', 'resumeJobs', 'deleteJobs'])(
    '%s selects its jobs by primary-key look-ups',
    (plan) => {
      const original = plans[plan]!('pgboss');
      // If a pg-boss upgrade changes the shape, this fails instead of the rewrite silently stopping.
      expect(original).toContain('id IN (SELECT UNNEST($2::uuid[]))');
      const rewritten = withIdLookups(original);
      expect(rewritten).not.toContain('UNNEST');
      expect(rewritten).toContain('id = ANY($2::uuid[])');
      // Nothing else changes.
      expect(rewritten.replace('id = ANY($2::uuid[])', '')).toBe(
        original.replace('id IN (SELECT UNNEST($2::uuid[]))', ''),
      );
    },
  );

  it('leaves every other statement as it is', () => {
    const others = [
      (plans.fetchNextJob!('pgboss') as unknown as (o: object) => string)({}),
      plans.insertJob!('pgboss'),
      plans.getJobById!('pgboss'),
      (plans.archive as unknown as (s: string, c: string) => string)('pgboss', '1 day'),
    ];
    for (const text of others) expect(withIdLookups(text)).toBe(text);
    expect(withIdLookups('SELECT * FROM t WHERE pid IN (SELECT UNNEST($1::uuid[]))')).toContain('UNNEST');
  });
});
