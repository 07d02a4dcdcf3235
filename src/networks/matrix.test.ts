import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { networkMatrixMarkdown } from './matrix.js';
import { NETWORK_IDS } from './registry.js';

describe('docs/networks.md', () => {
  it('holds the capability matrix generated from the registry', () => {
    const doc = readFileSync(new URL('../../docs/networks.md', import.meta.url), 'utf8');
    expect(doc).toContain(networkMatrixMarkdown());
    for (const id of NETWORK_IDS) expect(doc).toContain(`(\`${id}\`)`);
  });
});
