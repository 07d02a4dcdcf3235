/** Shapes of the API: workspace members and invitations. */

import type { RoleId } from './session.js';

export type MemberSource = 'workspace' | 'organization';

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: RoleId;
  source: MemberSource;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: RoleId;
  createdAt: string;
  expiresAt: string;
  invitedByName: string | null;
}

export interface CreateInvitationInput {
  email: string;
  role: RoleId;
}

export interface CreatedInvitation {
  invitation: Invitation;
  emailSent: boolean;
  /** Only set when the server cannot send e-mail: the inviter passes this link on by hand. */
  acceptUrl?: string | null;
}

export interface InvitationPreview {
  email: string;
  role: RoleId;
  workspaceName: string;
  organizationName: string;
  userExists: boolean;
}

export interface AcceptInvitationInput {
  token: string;
  name?: string;
  password: string;
}
