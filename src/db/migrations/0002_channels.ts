/** Channels: a connected account on a network, per workspace. The credential lives in the vault. */
export const sql = /* sql */ `
CREATE TABLE channels (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  network text NOT NULL,
  name text NOT NULL,
  account text,
  credential_secret_id uuid REFERENCES vault_secrets (id) ON DELETE SET NULL,
  -- A network session kept between uses (access and refresh tokens), so Chorus logs in once and refreshes.
  session_secret_id uuid REFERENCES vault_secrets (id) ON DELETE SET NULL,
  status text NOT NULL CHECK (status IN ('connected', 'needs_reconnect', 'disconnected')),
  token_expires_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  last_checked_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  disconnected_at timestamptz
);
CREATE INDEX channels_workspace_idx ON channels (workspace_id, created_at);
`;
