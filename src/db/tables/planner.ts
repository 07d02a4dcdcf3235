// Row types: Categories, queues, calendar notes and feeds.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, CreatedAt } from '../columns.js';

export interface CategoriesTable {
  id: string;
  workspace_id: string;
  name: string;
  color: string | null;
  evergreen: Generated<boolean>;
  evergreen_days: number | null;
  created_at: CreatedAt;
}

export interface ChannelQueuesTable {
  channel_id: string;
  workspace_id: string;
  time_zone: string;
  paused: Generated<boolean>;
  updated_at: Timestamp;
}

export interface QueueSlotsTable {
  id: string;
  channel_id: string;
  weekday: number;
  local_time: string;
  category_id: string | null;
}

export interface CalendarNotesTable {
  id: string;
  workspace_id: string;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  kind: 'note' | 'launch' | 'holiday' | 'event';
  title: string;
  body: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface CalendarFeedsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_read_at: Timestamp | null;
}
