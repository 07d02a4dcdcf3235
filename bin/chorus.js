#!/usr/bin/env node
// The `chorus` command: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(
    'Chorus is not built yet. Run `npm install` (or `npm run build`) in the Chorus folder first.',
  );
  process.exit(1);
}
await import(entry.href);
