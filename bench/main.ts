/**
 * Benchmarks: `npm run bench -- <name> [--json FILE]`. Each prints a table and writes JSON
 * (default bench/results/<name>.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundle } from './bundle.js';
import { calendar } from './calendar.js';
import { publish } from './publish.js';
import { startup } from './startup.js';
import { importBench } from './import.js';

const BENCHES: Record<string, (args: string[]) => Promise<Record<string, unknown>[]>> = {
  startup,
  publish,
  calendar,
  bundle,
  import: importBench,
};

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`Usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json FILE]`);
    process.exit(2);
  }
  const jsonIndex = rest.indexOf('--json');
  const db = rest.includes('--db') ? `-${rest[rest.indexOf('--db') + 1]}` : '';
  const file = jsonIndex >= 0 ? rest[jsonIndex + 1] : path.join('bench', 'results', `${name}${db}.json`);
  const rows = await bench(rest);
  console.table(rows);
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({ bench: name, at: new Date().toISOString(), node: process.version, rows }, null, 2),
    );
    console.log(`Results written to ${file}`);
  }
}

// Everything is stopped by now; exit even if a library left a handle open.
await main();
process.exit(0);
