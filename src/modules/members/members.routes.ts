import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { defineRoute } from '../../http/route.js';
import { SessionResponse, toUserDto, workspaceParams } from '../../http/dto.js';
import type { Invitation } from './invitations.repository.js';
import type { Member } from './members.service.js';
import { ROLES } from './permissions.js';

const RoleId = z.enum(ROLES);
const MemberDto = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  source: z.enum(['workspace', 'organization']),
  joinedAt: z.string(),
});
const toMemberDto = (m: Member) => ({ ...m, joinedAt: m.joinedAt.toISOString() });
const InvitationDto = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  invitedByName: z.string().nullable(),
});
const toInvitationDto = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
  invitedByName: i.invitedByName,
});
const memberParams = z.strictObject({ workspaceId: z.uuid(), userId: z.uuid() });
const invitationParams = z.strictObject({ workspaceId: z.uuid(), invitationId: z.uuid() });
const TokenBody = z.strictObject({ token: z.string().min(10).max(200) });

export const memberRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/members',
    summary: 'Members of a workspace, including organization owners and admins',
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.read' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ members: z.array(MemberDto) }) },
    async handler({ access, services }) {
      return { members: (await services.members.list(access)).map(toMemberDto) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/members/:userId',
    summary: "Change a member's role",
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.manage' },
    params: memberParams,
    body: z.strictObject({ role: RoleId }),
    response: { status: 200, schema: z.object({ member: MemberDto }) },
    async handler({ access, params, body, principal, services, actor }) {
      const member = await services.members.changeRole(
        access,
        principal.userId,
        params.userId,
        body.role,
        actor,
      );
      return { member: toMemberDto(member) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/members/:userId',
    summary: 'Remove a member from a workspace',
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.manage' },
    params: memberParams,
    response: { status: 204 },
    async handler({ access, params, principal, services, actor }) {
      await services.members.remove(access, principal.userId, params.userId, actor);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/invitations',
    summary: 'Pending invitations',
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.manage' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ invitations: z.array(InvitationDto) }) },
    async handler({ access, services }) {
      return { invitations: (await services.members.listInvitations(access)).map(toInvitationDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/invitations',
    summary: 'Invite someone by e-mail with a role; the link works once',
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.manage' },
    params: workspaceParams,
    body: z.strictObject({ email: z.email().max(320), role: RoleId }),
    response: {
      status: 201,
      schema: z.object({
        invitation: InvitationDto,
        emailSent: z.boolean(),
        acceptUrl: z.string().nullable(),
      }),
    },
    async handler({ access, body, principal, services, actor }) {
      const inviter = await services.users.findById(principal.userId);
      if (!inviter) throw new AppError('unauthenticated', 'Your account no longer exists.');
      const result = await services.members.invite(access, inviter, body, actor);
      return { ...result, invitation: toInvitationDto(result.invitation) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/invitations/:invitationId',
    summary: 'Revoke a pending invitation',
    tag: 'members',
    auth: { kind: 'workspace', permission: 'members.manage' },
    params: invitationParams,
    response: { status: 204 },
    async handler({ access, params, services, actor }) {
      await services.members.revokeInvitation(access, params.invitationId, actor);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/invitations/preview',
    summary: 'What an invitation is for (the token travels in the body, never in a URL the server sees)',
    tag: 'members',
    auth: { kind: 'public' },
    body: TokenBody,
    response: {
      status: 200,
      schema: z.object({
        email: z.string(),
        role: z.string(),
        workspaceName: z.string(),
        organizationName: z.string(),
        userExists: z.boolean(),
      }),
    },
    async handler({ body, services }) {
      return services.members.preview(body.token);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/invitations/accept',
    summary: 'Accept an invitation: creates the account (or checks the existing one) and logs in',
    tag: 'members',
    auth: { kind: 'public' },
    body: TokenBody.extend({
      name: z.string().trim().max(200).optional(),
      password: z.string().min(1).max(1024),
    }),
    response: { status: 200, schema: SessionResponse.extend({ workspaceId: z.uuid() }) },
    async handler({ body, services, actor, session }) {
      const result = await services.members.accept(body.token, body, actor);
      session.start(result.session);
      return {
        user: toUserDto(result.user),
        csrfToken: result.session.csrfToken,
        workspaceId: result.workspaceId,
      };
    },
  }),
];
