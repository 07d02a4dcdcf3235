/** Shapes of the API: API tokens and the audit log. */

import type { PermissionId } from './session.js';

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  workspaceIds: string[];
  permissions: PermissionId[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  workspaceIds: string[];
  permissions: PermissionId[];
  expiresInDays?: number;
}

export interface CreatedToken {
  token: ApiToken;
  /** The full secret; the server never shows it again. */
  secret: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  createdAt: string;
  data: unknown;
}

export interface AuditEventPage {
  events: AuditEvent[];
  nextCursor: string | null;
}
