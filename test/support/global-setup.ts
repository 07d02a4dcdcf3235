import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A per-run temporary folder for data directories and backups, removed at the end. */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chorus-test-'));
  process.env.CHORUS_TEST_TMP = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
