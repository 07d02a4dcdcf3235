// Row types: The media library, RSS/Atom feeds and CSV imports.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, CreatedAt, Json } from '../columns.js';

export interface MediaAssetsTable {
  id: string;
  workspace_id: string;
  kind: 'image' | 'video';
  mime_type: string;
  byte_size: ColumnType<string | number | bigint, number, number>;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  filename: string;
  alt_text: string;
  tags: Json<string[]>;
  storage_key: string;
  thumbnail_key: string | null;
  source_url: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FeedsTable {
  id: string;
  workspace_id: string;
  url: string;
  title: Generated<string>;
  site_url: string | null;
  format: 'rss2' | 'rss1' | 'atom';
  channel_ids: string[];
  target: 'draft' | 'queue';
  template: string;
  active: Generated<boolean>;
  owner_id: string | null;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: Timestamp | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  failure_count: Generated<number>;
  next_poll_at: Timestamp;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FeedItemsTable {
  id: string;
  feed_id: string;
  item_key: string;
  title: Generated<string>;
  link: string | null;
  published_at: Timestamp | null;
  status: 'seen' | 'pending' | 'posted' | 'failed' | 'skipped';
  post_id: string | null;
  error: string | null;
  created_at: CreatedAt;
}

export interface ImportsTable {
  id: string;
  workspace_id: string;
  created_by: string | null;
  permissions: Json<string[]>;
  layout: string;
  file_name: string;
  checksum: string;
  columns: Json<string[]>;
  channel_id: string | null;
  date_format: string | null;
  status: string;
  total_rows: number;
  valid_rows: number;
  done_rows: Generated<number>;
  imported_rows: Generated<number>;
  failed_rows: Generated<number>;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface ImportRowsTable {
  import_id: string;
  row_number: number;
  status: string;
  cells: Json<string[]>;
  plan: Json<Record<string, unknown>> | null;
  problems: Json<unknown[]>;
  post_id: string | null;
}
