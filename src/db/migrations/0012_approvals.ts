/**
 * Approvals: workflows (ordered steps of approvers), requests that freeze what is approved, each approver's
 * decision, and signed links for approvers without an account. A post carries its approval state and, while
 * approved, when that approval lapses; the engine's claim reads both.
 */
export const sql = /* sql */ `
CREATE TABLE approval_workflows (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- Workflows are tried in this order; the first that covers one of a post's channels applies.
  position integer NOT NULL,
  -- Channel ids; empty: every channel of the workspace.
  channel_ids jsonb NOT NULL DEFAULT '[]',
  -- Roles whose posts must be approved before they publish.
  required_for jsonb NOT NULL DEFAULT '[]',
  -- [{name, rule: any|all, approvers: [{type: user|role|email, ...}], checklist: [text]}]
  steps jsonb NOT NULL,
  on_expiry text NOT NULL DEFAULT 'hold' CHECK (on_expiry IN ('hold', 'publish')),
  approval_valid_days integer CHECK (approval_valid_days IS NULL OR approval_valid_days BETWEEN 1 AND 365),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approval_workflows_workspace_idx ON approval_workflows (workspace_id, position);

CREATE TABLE approval_requests (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  workflow_id uuid REFERENCES approval_workflows (id) ON DELETE SET NULL,
  -- The workflow as it was when the post was submitted: {name, steps, onExpiry, approvalValidDays}.
  workflow jsonb NOT NULL,
  -- Exactly what is being approved: {body, scheduledAt, channels: [...]}, and its hash.
  snapshot jsonb NOT NULL,
  content_hash text NOT NULL,
  -- The request this one follows for the same post (no foreign key: a backup restores rows in any order).
  previous_id uuid,
  state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'changes_requested', 'withdrawn', 'superseded', 'expired')),
  current_step integer NOT NULL DEFAULT 0,
  submitted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  note text,
  submitted_at timestamptz NOT NULL,
  decided_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX approval_requests_post_idx ON approval_requests (post_id, submitted_at);
CREATE INDEX approval_requests_pending_idx ON approval_requests (workspace_id, submitted_at) WHERE state = 'pending';
CREATE UNIQUE INDEX approval_requests_one_open_idx ON approval_requests (post_id) WHERE state = 'pending';
CREATE INDEX approval_requests_expiry_idx ON approval_requests (expires_at) WHERE state = 'approved';

CREATE TABLE approval_decisions (
  id uuid PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  step integer NOT NULL,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- An approver without an account decides through a link, as this address.
  email text,
  name text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected', 'changes_requested')),
  note text,
  checklist jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL
);
CREATE INDEX approval_decisions_request_idx ON approval_decisions (request_id, created_at);

CREATE TABLE approval_links (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email text NOT NULL,
  -- The requests it covers (one post, or a batch).
  request_ids jsonb NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX approval_links_workspace_idx ON approval_links (workspace_id, created_at);

ALTER TABLE posts
  ADD COLUMN approval_state text NOT NULL DEFAULT 'not_required'
    CHECK (approval_state IN ('not_required', 'required', 'pending', 'approved', 'rejected', 'changes_requested', 'expired')),
  -- While approved: when the approval lapses (the engine does not send it after that).
  ADD COLUMN approval_expires_at timestamptz,
  -- Pending under a workflow that publishes anyway when the time comes.
  ADD COLUMN send_unapproved boolean NOT NULL DEFAULT false;
UPDATE posts SET approval_state = 'required' WHERE NOT approved;

-- A comment written through an approval link, by someone without an account.
ALTER TABLE post_comments ADD COLUMN external_author text;
`;
