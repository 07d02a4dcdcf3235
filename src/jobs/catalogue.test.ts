import { describe, expect, it } from 'vitest';
import { CatalogueError, JOB_NAMES, checkCatalogue, defineJobHandler, type JobHandler } from './catalogue.js';

const handler = (name: string) => defineJobHandler(name as never, async () => undefined) as JobHandler;

describe('job catalogue check at boot', () => {
  it('accepts exactly one handler per job', () => {
    expect(checkCatalogue(JOB_NAMES.map(handler)).size).toBe(JOB_NAMES.length);
  });

  it('names every missing, duplicate and unknown handler', () => {
    const [first, ...rest] = JOB_NAMES;
    const bad = [...rest.map(handler), handler(rest[0]!), handler('mystery.v1')];
    expect(() => checkCatalogue(bad)).toThrow(CatalogueError);
    try {
      checkCatalogue(bad);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(`job "${first}" has no handler`);
      expect(message).toContain(`job "${rest[0]}" has two handlers`);
      expect(message).toContain('unknown job "mystery.v1"');
    }
  });
});
