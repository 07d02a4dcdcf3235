import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/**
 * Files of the built web app. The request path is decoded, normalised and must stay inside `root`;
 * anything else (including encoded separators) is treated as not found.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return undefined;
  const info = await stat(resolved).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const ext = path.extname(resolved);
  return {
    body: await readFile(resolved),
    type: TYPES[ext] ?? 'application/octet-stream',
    immutable: resolved.startsWith(path.join(root, 'assets') + path.sep),
  };
}
