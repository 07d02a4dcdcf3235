// Row types: Connected channels and their sign-ins.
import type { Timestamp, CreatedAt } from '../columns.js';

export interface ChannelsTable {
  id: string;
  workspace_id: string;
  network: string;
  name: string;
  account: string | null;
  credential_secret_id: string | null;
  session_secret_id: string | null;
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  token_expires_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  last_checked_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  disconnected_at: Timestamp | null;
  quota_remaining: number | null;
  quota_limit: number | null;
  quota_reset_at: Timestamp | null;
  quota_scope: string | null;
  quota_seen_at: Timestamp | null;
}

export interface OAuthClientsTable {
  id: string;
  network: string;
  issuer: string;
  redirect_uri: string;
  client_id: string;
  secret_id: string | null;
  created_at: CreatedAt;
}

export interface OAuthFlowsTable {
  id: string;
  state_hash: string;
  workspace_id: string;
  user_id: string;
  network: string;
  channel_id: string | null;
  name: string | null;
  secret_id: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}
