/**
 * The media library: one row per uploaded or imported file (the bytes live in the media store, under keys
 * made from the row's id), and the media each post variant uses, in order, with per-use alt text.
 */
export const sql = /* sql */ `
CREATE TABLE media_assets (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('image', 'video')),
  -- Decided from the bytes (content sniffing), never from the name or a declared type.
  mime_type text NOT NULL,
  byte_size bigint NOT NULL CHECK (byte_size >= 0),
  width integer,
  height integer,
  duration_ms integer,
  -- The name it was uploaded under: for display only, never part of a storage key.
  filename text NOT NULL,
  alt_text text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '[]',
  storage_key text NOT NULL,
  thumbnail_key text,
  -- Where it was imported from, when it came by URL.
  source_url text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_assets_workspace_idx ON media_assets (workspace_id, created_at DESC, id DESC);

-- [{ "assetId": "…", "alt": "…" }, …]: the media of this channel's version of the post, in order.
ALTER TABLE post_variants ADD COLUMN media jsonb NOT NULL DEFAULT '[]';
`;
