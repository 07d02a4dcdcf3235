/**
 * Publishing: posts with a shared body and per-channel variants, one delivery per (post, channel) with its
 * state machine and attempt history, and pauses (everything, a workspace, a channel).
 */
export const sql = /* sql */ `
CREATE TABLE posts (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  body text NOT NULL,
  -- Approval comes with the approvals workflow; until then a post someone may publish is approved.
  approved boolean NOT NULL DEFAULT true,
  -- When the post goes out: an instant, and the wall-clock time and zone it was chosen in (if it was).
  scheduled_at timestamptz,
  schedule_local text,
  schedule_zone text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX posts_workspace_idx ON posts (workspace_id, created_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE post_variants (
  id uuid PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  -- Null: the post's shared body.
  body text,
  -- Further parts of a thread, for networks that have threads.
  thread jsonb NOT NULL DEFAULT '[]',
  options jsonb NOT NULL DEFAULT '{}',
  UNIQUE (post_id, channel_id)
);

CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  variant_id uuid NOT NULL REFERENCES post_variants (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('scheduled', 'sending', 'published', 'failed', 'unconfirmed', 'paused', 'cancelled')),
  -- Why a delivery waits or stopped, in words a person can act on.
  state_reason text,
  due_at timestamptz NOT NULL,
  -- The earliest the next attempt may start (a retry waiting for a reset); null = at due_at.
  next_attempt_at timestamptz,
  -- Sent with every attempt of this delivery, so the network (or the receiver) can refuse a second post.
  idempotency_key text NOT NULL UNIQUE,
  attempts integer NOT NULL DEFAULT 0,
  sending_since timestamptz,
  first_sent_at timestamptz,
  remote_id text,
  remote_url text,
  published_at timestamptz,
  -- From due_at to the network's acceptance, for honest lateness.
  lateness_ms integer,
  error_kind text,
  error_message text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (post_id, channel_id)
);
CREATE INDEX deliveries_due_idx ON deliveries (due_at) WHERE state = 'scheduled';
CREATE INDEX deliveries_stuck_idx ON deliveries (sending_since) WHERE state IN ('sending', 'unconfirmed');
CREATE INDEX deliveries_workspace_state_idx ON deliveries (workspace_id, state, due_at);
CREATE INDEX deliveries_channel_idx ON deliveries (channel_id, state);

CREATE TABLE delivery_attempts (
  id uuid PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  number integer NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  -- What was sent (text, media count, thread length), never a credential.
  request jsonb NOT NULL,
  outcome text CHECK (outcome IN ('published', 'failed', 'retry', 'unconfirmed', 'reconciled_published', 'reconciled_absent', 'held')),
  error_kind text,
  error_message text,
  remote_id text,
  remote_url text,
  UNIQUE (delivery_id, number)
);

CREATE TABLE publishing_pauses (
  id uuid PRIMARY KEY,
  scope text NOT NULL CHECK (scope IN ('global', 'workspace', 'channel')),
  -- The workspace or channel id; null for global.
  scope_id uuid,
  reason text,
  paused_by uuid REFERENCES users (id) ON DELETE SET NULL,
  paused_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX publishing_pauses_scope_idx ON publishing_pauses (scope, COALESCE(scope_id, '00000000-0000-0000-0000-000000000000'));
`;
