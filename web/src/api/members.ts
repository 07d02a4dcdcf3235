/** API calls for workspace members and invitations. */

import type {
  AcceptInvitationInput,
  CreatedInvitation,
  CreateInvitationInput,
  Invitation,
  InvitationPreview,
  Member,
  RoleId,
  SessionStart,
} from '../types.js';
import { request, seg, startSession, ws } from './core.js';

export const memberCalls = {
  members: (workspaceId: string, signal?: AbortSignal) =>
    request<{ members: Member[] }>(`${ws(workspaceId)}/members`, { signal }),

  updateMember: (workspaceId: string, userId: string, role: RoleId) =>
    request<{ member: Member }>(`${ws(workspaceId)}/members/${seg(userId)}`, {
      method: 'PATCH',
      body: { role },
    }),

  removeMember: (workspaceId: string, userId: string) =>
    request<undefined>(`${ws(workspaceId)}/members/${seg(userId)}`, { method: 'DELETE' }),

  invitations: (workspaceId: string, signal?: AbortSignal) =>
    request<{ invitations: Invitation[] }>(`${ws(workspaceId)}/invitations`, { signal }),

  createInvitation: (workspaceId: string, input: CreateInvitationInput) =>
    request<CreatedInvitation>(`${ws(workspaceId)}/invitations`, { method: 'POST', body: input }),

  revokeInvitation: (workspaceId: string, invitationId: string) =>
    request<undefined>(`${ws(workspaceId)}/invitations/${seg(invitationId)}`, { method: 'DELETE' }),

  previewInvitation: (token: string, signal?: AbortSignal) =>
    request<InvitationPreview>('/api/v1/invitations/preview', {
      method: 'POST',
      body: { token },
      signal,
      publicEndpoint: true,
    }),

  acceptInvitation: (input: AcceptInvitationInput) =>
    request<SessionStart>('/api/v1/invitations/accept', {
      method: 'POST',
      body: input,
      publicEndpoint: true,
    }).then(startSession),
};
