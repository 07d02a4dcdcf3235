/**
 * Comments on posts, and the index a post's activity history reads. Comments: threaded (a reply names its parent), on the whole post or on one channel's version,
 * with the people they mention. A deleted comment keeps its place in the thread without its text.
 */
export const sql = /* sql */ `
CREATE TABLE post_comments (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  -- The channel whose version the comment is about; null: the whole post.
  channel_id uuid REFERENCES channels (id) ON DELETE SET NULL,
  -- The comment this one answers (no foreign key, so a backup restores rows in any order; checked on write).
  parent_id uuid,
  author_id uuid REFERENCES users (id) ON DELETE SET NULL,
  body text NOT NULL,
  mentions jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  deleted_at timestamptz
);
CREATE INDEX post_comments_post_idx ON post_comments (post_id, created_at);

-- A post's activity reads the audit events about it.
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, created_at);
`;
