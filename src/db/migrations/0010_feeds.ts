/**
 * RSS and Atom feeds a workspace subscribes to. A feed posts as the person who last saved it (owner_id),
 * to its channels, as drafts or into the channels' queues. Every item a feed has shown is remembered in
 * feed_items under its key (guid/id, else link): the unique index is what keeps two polls running at once
 * from making two posts of one item.
 */
export const sql = /* sql */ `
CREATE TABLE feeds (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  url text NOT NULL,
  -- The feed's own title and site address, as it last declared them.
  title text NOT NULL DEFAULT '',
  site_url text,
  format text NOT NULL CHECK (format IN ('rss2', 'rss1', 'atom')),
  channel_ids uuid[] NOT NULL,
  target text NOT NULL CHECK (target IN ('draft', 'queue')),
  template text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- Whose permissions new posts are made with: the person who last saved the feed.
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- Validators for conditional GET, as the server last sent them.
  etag text,
  last_modified text,
  last_polled_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  failure_count integer NOT NULL DEFAULT 0,
  next_poll_at timestamptz NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX feeds_workspace_url_idx ON feeds (workspace_id, url);
CREATE INDEX feeds_due_idx ON feeds (next_poll_at) WHERE active;

CREATE TABLE feed_items (
  id uuid PRIMARY KEY,
  feed_id uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  -- The item's guid (RSS 2.0), rdf:about (RSS 1.0) or id (Atom); its link when it has none.
  item_key text NOT NULL,
  title text NOT NULL DEFAULT '',
  link text,
  published_at timestamptz,
  -- seen: there when the feed was subscribed (never posted); pending: being made into a post;
  -- posted: post_id is what it became; failed: error says why; skipped: too many new items at once.
  status text NOT NULL CHECK (status IN ('seen', 'pending', 'posted', 'failed', 'skipped')),
  post_id uuid REFERENCES posts (id) ON DELETE SET NULL,
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX feed_items_key_idx ON feed_items (feed_id, item_key);
CREATE INDEX feed_items_recent_idx ON feed_items (feed_id, created_at DESC, id DESC);
CREATE INDEX feed_items_post_idx ON feed_items (post_id) WHERE post_id IS NOT NULL;
`;
