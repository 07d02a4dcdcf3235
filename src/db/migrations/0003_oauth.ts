/**
 * OAuth: client registrations Chorus made with authorization servers (one per server and callback
 * address, reused by every workspace), pending sign-ins between the redirect out and the callback, and
 * the request budget a channel's network last reported.
 */
export const sql = /* sql */ `
CREATE TABLE oauth_clients (
  id uuid PRIMARY KEY,
  network text NOT NULL,
  issuer text NOT NULL,
  redirect_uri text NOT NULL,
  client_id text NOT NULL,
  -- The client secret, when the server issued one, lives in the vault.
  secret_id uuid REFERENCES vault_secrets (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (network, issuer, redirect_uri)
);

CREATE TABLE oauth_flows (
  id uuid PRIMARY KEY,
  -- Only the SHA-256 of the state value is kept; the value itself travels in the redirect.
  state_hash text NOT NULL UNIQUE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  network text NOT NULL,
  -- Set when the sign-in reconnects an existing channel.
  channel_id uuid REFERENCES channels (id) ON DELETE CASCADE,
  name text,
  -- The PKCE verifier and the client (with its secret), encrypted.
  secret_id uuid NOT NULL REFERENCES vault_secrets (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_flows_expiry_idx ON oauth_flows (expires_at);

ALTER TABLE channels
  ADD COLUMN quota_remaining integer,
  ADD COLUMN quota_limit integer,
  ADD COLUMN quota_reset_at timestamptz,
  ADD COLUMN quota_scope text,
  ADD COLUMN quota_seen_at timestamptz;
`;
