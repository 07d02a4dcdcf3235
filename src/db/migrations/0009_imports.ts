/**
 * Bulk CSV imports: a file checked row by row (the preview), kept with its parsed plan so that confirming
 * imports exactly the rows the preview showed as valid. Each row keeps its problems, what it will create,
 * and, once imported, the post it became.
 */
export const sql = /* sql */ `
CREATE TABLE imports (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  -- The permissions the import was previewed with (a token's scopes); the run never uses more.
  permissions jsonb NOT NULL,
  -- 'chorus' (the documented columns) or 'hootsuite' (its bulk composer file).
  layout text NOT NULL,
  file_name text NOT NULL,
  -- SHA-256 of the file as uploaded, for recognising the same file.
  checksum text NOT NULL,
  -- The file's column names, in file order, for showing rows as they were written.
  columns jsonb NOT NULL,
  -- Hootsuite files: the channel chosen at import time, and the date format the file uses.
  channel_id uuid REFERENCES channels (id) ON DELETE SET NULL,
  date_format text,
  -- previewed → queued → running → finished
  status text NOT NULL,
  total_rows integer NOT NULL,
  valid_rows integer NOT NULL,
  done_rows integer NOT NULL DEFAULT 0,
  imported_rows integer NOT NULL DEFAULT 0,
  failed_rows integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX imports_workspace_idx ON imports (workspace_id, created_at DESC);

CREATE TABLE import_rows (
  import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  -- The row as a spreadsheet numbers it (the header row is row 1).
  row_number integer NOT NULL,
  -- invalid | valid | importing | imported | failed
  status text NOT NULL,
  -- The row's fields as read from the file.
  cells jsonb NOT NULL,
  -- What the row creates (channels, text, media, schedule, tags…), null when it has problems.
  plan jsonb,
  -- [{ column, message, fix }]: why the row cannot be imported (preview) or why importing it failed.
  problems jsonb NOT NULL DEFAULT '[]',
  post_id uuid REFERENCES posts (id) ON DELETE SET NULL,
  PRIMARY KEY (import_id, row_number)
);
CREATE INDEX import_rows_pending_idx ON import_rows (import_id, row_number) WHERE status IN ('valid', 'importing');
`;
