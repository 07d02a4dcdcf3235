// Row types: Approval workflows, requests, decisions and links.
import type { ColumnType } from 'kysely';
import type { Timestamp, CreatedAt } from '../columns.js';

export type PostApprovalState =
  'not_required' | 'required' | 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'expired';

export type ApprovalRequestState =
  'pending' | 'approved' | 'rejected' | 'changes_requested' | 'withdrawn' | 'superseded' | 'expired';

export interface ApprovalWorkflowsTable {
  id: string;
  workspace_id: string;
  name: string;
  position: number;
  channel_ids: ColumnType<string[], string, string>;
  required_for: ColumnType<string[], string, string>;
  steps: ColumnType<unknown, string, string>;
  on_expiry: 'hold' | 'publish';
  approval_valid_days: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApprovalRequestsTable {
  id: string;
  workspace_id: string;
  post_id: string;
  workflow_id: string | null;
  workflow: ColumnType<unknown, string, string>;
  snapshot: ColumnType<unknown, string, string>;
  content_hash: string;
  previous_id: string | null;
  state: ApprovalRequestState;
  current_step: number;
  submitted_by: string | null;
  note: string | null;
  submitted_at: Timestamp;
  decided_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export interface ApprovalDecisionsTable {
  id: string;
  request_id: string;
  step: number;
  user_id: string | null;
  email: string | null;
  name: string;
  decision: 'approved' | 'rejected' | 'changes_requested';
  note: string | null;
  checklist: ColumnType<string[], string, string>;
  created_at: Timestamp;
}

export interface ApprovalLinksTable {
  id: string;
  workspace_id: string;
  email: string;
  request_ids: ColumnType<string[], string, string>;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}
