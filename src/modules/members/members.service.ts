import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import { newId, randomToken } from '../../core/ids.js';
import { sha256 } from '../../core/hash.js';
import type { Clock } from '../../core/clock.js';
import { inTransaction } from '../../db/repositories.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { AuthService, NewSession } from '../auth/auth.service.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { User, UsersRepository } from '../auth/users.repository.js';
import { normalizeEmail } from '../auth/users.repository.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { Mailer } from '../mail/mailer.js';
import type { OrganizationsRepository } from '../workspaces/organizations.repository.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Invitation, InvitationsRepository } from './invitations.repository.js';
import { canGrant, outranks, ROLE_INFO, type Role } from './permissions.js';

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  source: 'workspace' | 'organization';
  joinedAt: Date;
}

const INVITATION_DAYS = 7;

export class MembersService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      users: UsersRepository;
      workspaces: WorkspacesRepository;
      organizations: OrganizationsRepository;
      invitations: InvitationsRepository;
      audit: AuditService;
      auth: AuthService;
      throttle: LoginThrottle;
      mailer: Mailer;
      clock: Clock;
      publicUrl: string;
      logger: Logger;
    },
  ) {}

  async list(access: WorkspaceAccess): Promise<Member[]> {
    const leaders = await this.deps.organizations.leaders(access.workspace.organizationId);
    const direct = await this.deps.workspaces.members(access.workspace.id);
    const leaderIds = new Set(leaders.map((l) => l.userId));
    return [
      ...leaders.map((l) => ({
        userId: l.userId,
        email: l.email,
        name: l.name,
        role: l.role as Role,
        source: 'organization' as const,
        joinedAt: l.createdAt,
      })),
      ...direct.filter((m) => !leaderIds.has(m.userId)).map((m) => ({ ...m, source: 'workspace' as const })),
    ];
  }

  async changeRole(
    access: WorkspaceAccess,
    actorUserId: string,
    userId: string,
    role: Role,
    actor: Actor,
  ): Promise<Member> {
    const member = await this.findEditable(access, actorUserId, userId, 'change the role of');
    if (!canGrant(access.role, role)) {
      throw forbidden(
        `Your role (${ROLE_INFO[access.role].label}) cannot grant the ${ROLE_INFO[role].label} role.`,
      );
    }
    await this.deps.workspaces.setMemberRole(access.workspace.id, userId, role);
    await this.deps.audit.record(actor, {
      action: 'member.role_changed',
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'user',
      targetId: userId,
      data: { from: member.role, to: role },
    });
    return { ...member, role };
  }

  async remove(access: WorkspaceAccess, actorUserId: string, userId: string, actor: Actor): Promise<void> {
    const member = await this.findEditable(access, actorUserId, userId, 'remove');
    await this.deps.workspaces.removeMember(access.workspace.id, userId);
    await this.deps.audit.record(actor, {
      action: 'member.removed',
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'user',
      targetId: userId,
      data: { role: member.role },
    });
  }

  private async findEditable(
    access: WorkspaceAccess,
    actorUserId: string,
    userId: string,
    verb: string,
  ): Promise<Member> {
    const member = (await this.list(access)).find((m) => m.userId === userId);
    if (!member) throw notFound('Member');
    if (userId === actorUserId) throw forbidden(`You cannot ${verb} yourself; ask another admin.`);
    if (member.source === 'organization') {
      throw conflict(
        `${member.name} is an organization ${member.role}; that role is managed for the whole organization.`,
      );
    }
    if (!outranks(access.role, member.role)) {
      throw forbidden(
        `Your role (${ROLE_INFO[access.role].label}) cannot ${verb} a ${ROLE_INFO[member.role].label}.`,
      );
    }
    return member;
  }

  listInvitations(access: WorkspaceAccess): Promise<Invitation[]> {
    return this.deps.invitations.pending(access.workspace.id, this.deps.clock.now());
  }

  /**
   * Creates a one-time invitation and e-mails its link. When e-mail is not configured or sending fails, the
   * link is returned to the inviter (who may see it: they could invite anyone anyway) so it can be passed on.
   */
  async invite(
    access: WorkspaceAccess,
    inviter: User,
    input: { email: string; role: Role },
    actor: Actor,
  ): Promise<{ invitation: Invitation; emailSent: boolean; acceptUrl: string | null }> {
    if (!canGrant(access.role, input.role)) {
      throw forbidden(
        `Your role (${ROLE_INFO[access.role].label}) cannot invite a ${ROLE_INFO[input.role].label}.`,
      );
    }
    const now = this.deps.clock.now();
    const existing = await this.deps.users.findByEmail(input.email);
    if (existing && (await this.list(access)).some((m) => m.userId === existing.id)) {
      throw conflict(`${input.email} is already a member of this workspace.`);
    }
    if (await this.deps.invitations.findPendingForEmail(access.workspace.id, input.email, now)) {
      throw conflict(`${input.email} already has a pending invitation. Revoke it first to send a new one.`);
    }
    const token = randomToken(32);
    const id = newId();
    await this.deps.invitations.revokeExpired(access.workspace.id, input.email, now);
    await this.deps.invitations
      .insert({
        id,
        workspaceId: access.workspace.id,
        email: input.email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: inviter.id,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw conflict(
            `${input.email} already has a pending invitation. Revoke it first to send a new one.`,
          );
        }
        throw error;
      });
    const invitation = (await this.deps.invitations.findByTokenHash(sha256(token)))!;
    const acceptUrl = `${this.deps.publicUrl}/invite#token=${token}`;
    let emailSent = false;
    if (this.deps.mailer.configured) {
      try {
        await this.deps.mailer.send({
          to: input.email,
          subject: `${inviter.name} invited you to ${access.workspace.name} on Chorus`,
          text: [
            `${inviter.name} invited you to join the workspace "${access.workspace.name}" on Chorus as ${ROLE_INFO[input.role].label}.`,
            '',
            `Accept the invitation: ${acceptUrl}`,
            '',
            `The link works once and expires in ${INVITATION_DAYS} days.`,
          ].join('\n'),
        });
        emailSent = true;
      } catch (error) {
        this.deps.logger.warn(
          { err: (error as Error).message, invitationId: id },
          'invitation e-mail failed',
        );
      }
    }
    await this.deps.audit.record(actor, {
      action: 'member.invited',
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'invitation',
      targetId: id,
      data: { email: input.email, role: input.role, emailSent },
    });
    return { invitation, emailSent, acceptUrl: emailSent ? null : acceptUrl };
  }

  async revokeInvitation(access: WorkspaceAccess, invitationId: string, actor: Actor): Promise<void> {
    if (!(await this.deps.invitations.revoke(access.workspace.id, invitationId, this.deps.clock.now()))) {
      throw notFound('Invitation');
    }
    await this.deps.audit.record(actor, {
      action: 'invitation.revoked',
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'invitation',
      targetId: invitationId,
    });
  }

  private async liveInvitation(token: string): Promise<Invitation> {
    const inv = await this.deps.invitations.findByTokenHash(sha256(token));
    const now = this.deps.clock.now();
    if (!inv) throw notFound('This invitation');
    if (inv.acceptedAt) throw conflict('This invitation has already been used. Log in instead.');
    if (inv.revokedAt) throw conflict('This invitation was revoked. Ask for a new one.');
    if (inv.expiresAt <= now) throw conflict('This invitation has expired. Ask for a new one.');
    return inv;
  }

  async preview(token: string) {
    const inv = await this.liveInvitation(token);
    const workspace = await this.deps.workspaces.find(inv.workspaceId);
    const org = workspace && (await this.deps.organizations.find(workspace.organizationId));
    if (!workspace || !org) throw notFound('This invitation');
    return {
      email: inv.email,
      role: inv.role,
      workspaceName: workspace.name,
      organizationName: org.name,
      userExists: (await this.deps.users.findByEmail(inv.email)) !== undefined,
    };
  }

  /**
   * Accepts an invitation: a new user picks a name and password; an existing user proves it is them with
   * their password. Either way the invitation is consumed exactly once and a session starts.
   */
  async accept(
    token: string,
    input: { name?: string | undefined; password: string },
    actor: Actor,
  ): Promise<{ user: User; session: NewSession; workspaceId: string }> {
    const inv = await this.liveInvitation(token);
    const workspace = await this.deps.workspaces.find(inv.workspaceId);
    if (!workspace) throw notFound('This invitation');
    const existing = await this.deps.users.findByEmail(inv.email);
    const throttleKey = `email:${normalizeEmail(inv.email)}`;
    if (existing) {
      await this.deps.throttle.assertAllowed([throttleKey]);
      if (!(await verifyPassword(existing.passwordHash, input.password))) {
        await this.deps.throttle.fail(throttleKey, { freeAttempts: 5 });
        throw new AppError(
          'unauthenticated',
          `The password is wrong for ${inv.email}. Use the password of your existing Chorus account.`,
        );
      }
    } else if (!input.name?.trim()) {
      throw invalid('Enter your name to create your account.');
    }
    const passwordHash = existing ? undefined : await hashPassword(input.password);
    const now = this.deps.clock.now();
    const user = await inTransaction(this.deps.db, async (repos) => {
      // Two accepts racing: the loser either hits the unique e-mail (new account) or finds the invitation
      // already consumed by the conditional update below; both end in 409, never a second membership.
      const u = existing
        ? { id: existing.id, email: existing.email, name: existing.name, createdAt: existing.createdAt }
        : await repos.users
            .insert({
              id: newId(),
              email: inv.email,
              name: input.name!.trim(),
              passwordHash: passwordHash!,
            })
            .catch((error: unknown) => {
              if (isUniqueViolation(error))
                throw conflict('This invitation has already been used. Log in instead.');
              throw error;
            });
      if (!(await repos.invitations.markAccepted(inv.id, u.id, now))) {
        throw conflict('This invitation has already been used or has expired.');
      }
      await repos.organizations.addMember(workspace.organizationId, u.id, 'member');
      await repos.workspaces.addMember(workspace.id, u.id, inv.role);
      return u;
    });
    const session = await this.deps.auth.startSession(user.id, actor);
    await this.deps.audit.record(
      { ...actor, userId: user.id },
      {
        action: 'member.joined',
        organizationId: workspace.organizationId,
        workspaceId: workspace.id,
        targetType: 'user',
        targetId: user.id,
        data: { role: inv.role, invitationId: inv.id, newAccount: !existing },
      },
    );
    return { user, session, workspaceId: workspace.id };
  }
}
