/**
 * Notification preferences and e-mail. Preferences: per person and type, only what differs from the
 * defaults in code (a row holds both settings of one type); per person, the hour and zone of the daily
 * digest (null: the default). E-mail: an outbox of notices owed to someone by e-mail, sent at once or kept
 * for the digest, and the digests themselves, one per person and local date, so a retried digest never goes
 * out twice for the same day. See docs/decisions/022-notification-email.md.
 */
export const sql = /* sql */ `
CREATE TABLE notification_preferences (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL,
  in_app boolean NOT NULL,
  email text NOT NULL CHECK (email IN ('off', 'instant', 'digest')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, type)
);

CREATE TABLE notification_settings (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- Local hour (0-23) and IANA zone of the daily digest; null: the default (08, the first workspace's zone).
  digest_hour integer CHECK (digest_hour BETWEEN 0 AND 23),
  digest_time_zone text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One digest per person and local date of its hour; sent_at is set once the e-mail went out.
CREATE TABLE notification_digests (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  period text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A worker sending it holds it until then, so two workers never send the same digest at once.
  locked_until timestamptz,
  sent_at timestamptz,
  UNIQUE (user_id, period)
);

-- Notices owed by e-mail: 'instant' ones go out one by one through a job, 'digest' ones wait for a digest.
CREATE TABLE notification_emails (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  type text NOT NULL,
  delivery text NOT NULL CHECK (delivery IN ('instant', 'digest')),
  title text NOT NULL,
  body text NOT NULL,
  link text NOT NULL,
  subject_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The digest that took it (no foreign key, so a backup restores rows in any order).
  digest_id uuid,
  attempts integer NOT NULL DEFAULT 0,
  sent_at timestamptz
);
-- A repeat about the same subject before the e-mail went out refreshes it instead of adding another.
CREATE UNIQUE INDEX notification_emails_pending_subject_idx
  ON notification_emails (user_id, delivery, type, subject_id)
  WHERE sent_at IS NULL AND digest_id IS NULL;
CREATE INDEX notification_emails_digest_pending_idx ON notification_emails (user_id, created_at)
  WHERE delivery = 'digest' AND digest_id IS NULL AND sent_at IS NULL;
CREATE INDEX notification_emails_digest_idx ON notification_emails (digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX notification_emails_sent_idx ON notification_emails (sent_at) WHERE sent_at IS NOT NULL;
`;
