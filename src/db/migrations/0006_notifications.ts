/**
 * In-app notifications: one row per person and event, in the workspace it concerns. An unread notification
 * about the same subject (a channel, a delivery) is refreshed instead of repeated, so a channel that keeps
 * failing does not flood anyone: the unique index on unread rows is what `ON CONFLICT` updates.
 */
export const sql = /* sql */ `
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  type text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  -- An address inside the web app, e.g. /w/<workspace id>/settings/channels.
  link text NOT NULL,
  -- What it is about (a channel or delivery id); unread notifications are unique per person, type and subject.
  subject_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id, created_at DESC, id DESC)
  WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_unread_subject_idx ON notifications (user_id, type, subject_id)
  WHERE read_at IS NULL;
CREATE INDEX notifications_read_idx ON notifications (created_at) WHERE read_at IS NOT NULL;
CREATE INDEX notifications_workspace_idx ON notifications (workspace_id);
`;
