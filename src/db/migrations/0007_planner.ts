/**
 * The content planner: ideas and drafts with tags, notes, campaign and a content category; weekly queue
 * slots per channel in the channel's zone; calendar notes; per-user secret calendar (iCal) feeds.
 */
export const sql = /* sql */ `
CREATE TABLE categories (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  color text,
  -- Evergreen: a post of this category goes back into its channel's queue after it is published,
  -- until the post is older than evergreen_days (null: no expiry).
  evergreen boolean NOT NULL DEFAULT false,
  evergreen_days integer CHECK (evergreen_days IS NULL OR evergreen_days > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX categories_name_idx ON categories (workspace_id, lower(name));

ALTER TABLE posts ADD COLUMN kind text NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'idea'));
ALTER TABLE posts ADD COLUMN title text;
ALTER TABLE posts ADD COLUMN notes text;
ALTER TABLE posts ADD COLUMN tags jsonb NOT NULL DEFAULT '[]';
ALTER TABLE posts ADD COLUMN campaign text;
ALTER TABLE posts ADD COLUMN category_id uuid REFERENCES categories (id) ON DELETE SET NULL;
-- An evergreen post put back into the queue is a new post; this names the delivery it repeats (no foreign
-- key: posts come before deliveries in backups). Unique, so a delivery is repeated at most once.
ALTER TABLE posts ADD COLUMN repeats_delivery_id uuid UNIQUE;
-- The first post of an evergreen chain: its age decides when the chain ends.
ALTER TABLE posts ADD COLUMN evergreen_since timestamptz;

-- A delivery whose time came from its channel's queue (not pinned to a time a person chose):
-- recalculating and shuffling the queue may move it. queue_held: held because the queue is paused.
ALTER TABLE deliveries ADD COLUMN queued boolean NOT NULL DEFAULT false;
ALTER TABLE deliveries ADD COLUMN queue_held boolean NOT NULL DEFAULT false;
-- Lateness in milliseconds outgrows integer after 24.8 days (a post held by a pause for a month, then sent).
ALTER TABLE deliveries ALTER COLUMN lateness_ms TYPE bigint;
-- Calendar range queries: a workspace's deliveries by time, whatever their state.
CREATE INDEX deliveries_calendar_idx ON deliveries (workspace_id, due_at);
CREATE INDEX deliveries_channel_due_idx ON deliveries (channel_id, due_at);

CREATE TABLE channel_queues (
  channel_id uuid PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- The IANA zone the slots are read in.
  time_zone text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE queue_slots (
  id uuid PRIMARY KEY,
  channel_id uuid NOT NULL REFERENCES channel_queues (channel_id) ON DELETE CASCADE,
  -- ISO weekday: 1 = Monday … 7 = Sunday.
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  -- Wall-clock time HH:MM in the queue's zone.
  local_time text NOT NULL CHECK (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  category_id uuid REFERENCES categories (id) ON DELETE SET NULL,
  UNIQUE (channel_id, weekday, local_time)
);

CREATE TABLE calendar_notes (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- Calendar days YYYY-MM-DD (text: a date is a day, not an instant, and reads the same under any TZ).
  starts_on text NOT NULL CHECK (starts_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  ends_on text NOT NULL CHECK (ends_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  kind text NOT NULL CHECK (kind IN ('note', 'launch', 'holiday', 'event')),
  title text NOT NULL,
  body text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX calendar_notes_range_idx ON calendar_notes (workspace_id, starts_on);

CREATE TABLE calendar_feeds (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- SHA-256 of the secret in the feed's address; the secret itself is shown once.
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_read_at timestamptz,
  UNIQUE (workspace_id, user_id)
);
`;
