import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * `npm run bench -- bundle`: the size of the built web app (`npm run build` first): each file of
 * dist/web/assets, raw and gzipped (what a browser downloads from a server that compresses).
 */
export async function bundle(): Promise<Record<string, unknown>[]> {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web', 'assets');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    throw new Error('The web app is not built (dist/web/assets is missing): run `npm run build` first.');
  }
  const rows = files.sort().map((file) => {
    const bytes = readFileSync(path.join(dir, file));
    return {
      file,
      kind: path.extname(file).slice(1),
      kb: Number((bytes.length / 1024).toFixed(1)),
      gzipKb: Number((gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)),
    };
  });
  const sum = (key: 'kb' | 'gzipKb') => Number(rows.reduce((n, r) => n + r[key], 0).toFixed(1));
  return [...rows, { file: 'total', kind: '', kb: sum('kb'), gzipKb: sum('gzipKb') }];
}
