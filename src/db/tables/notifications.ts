// Row types: Notifications, preferences and their e-mail.
import type { Generated } from 'kysely';
import type { Timestamp, CreatedAt } from '../columns.js';

export interface NotificationsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  type: string;
  title: string;
  body: string;
  link: string;
  subject_id: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  type: string;
  in_app: boolean;
  email: 'off' | 'instant' | 'digest';
  updated_at: Timestamp;
}

export interface NotificationSettingsTable {
  user_id: string;
  digest_hour: number | null;
  digest_time_zone: string | null;
  updated_at: Timestamp;
}

export interface NotificationDigestsTable {
  id: string;
  user_id: string;
  period: string;
  created_at: CreatedAt;
  locked_until: Timestamp | null;
  sent_at: Timestamp | null;
}

export interface NotificationEmailsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  type: string;
  delivery: 'instant' | 'digest';
  title: string;
  body: string;
  link: string;
  subject_id: string | null;
  created_at: Timestamp;
  digest_id: string | null;
  attempts: Generated<number>;
  sent_at: Timestamp | null;
}
