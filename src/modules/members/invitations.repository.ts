import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { normalizeEmail } from '../auth/users.repository.js';
import type { Role } from './permissions.js';

export interface Invitation {
  id: string;
  workspaceId: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export class InvitationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private base() {
    return this.db
      .selectFrom('invitations as i')
      .leftJoin('users as u', 'u.id', 'i.invited_by')
      .select([
        'i.id',
        'i.workspace_id',
        'i.email',
        'i.role',
        'i.invited_by',
        'u.name as inviter_name',
        'i.created_at',
        'i.expires_at',
        'i.accepted_at',
        'i.revoked_at',
      ]);
  }

  async insert(inv: {
    id: string;
    workspaceId: string;
    email: string;
    role: Role;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db
      .insertInto('invitations')
      .values({
        id: inv.id,
        workspace_id: inv.workspaceId,
        email: inv.email.trim(),
        email_normalized: normalizeEmail(inv.email),
        role: inv.role,
        token_hash: inv.tokenHash,
        invited_by: inv.invitedBy,
        expires_at: inv.expiresAt,
      })
      .execute();
  }

  async pending(workspaceId: string, now: Date): Promise<Invitation[]> {
    const rows = await this.base()
      .where('i.workspace_id', '=', workspaceId)
      .where('i.accepted_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .where('i.expires_at', '>', now)
      .orderBy('i.created_at', 'desc')
      .execute();
    return rows.map(toInvitation);
  }

  async findPendingForEmail(workspaceId: string, email: string, now: Date): Promise<Invitation | undefined> {
    const row = await this.base()
      .where('i.workspace_id', '=', workspaceId)
      .where('i.email_normalized', '=', normalizeEmail(email))
      .where('i.accepted_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .where('i.expires_at', '>', now)
      .executeTakeFirst();
    return row && toInvitation(row);
  }

  async findByTokenHash(tokenHash: string): Promise<Invitation | undefined> {
    const row = await this.base().where('i.token_hash', '=', tokenHash).executeTakeFirst();
    return row && toInvitation(row);
  }

  async revoke(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Closes expired, still-open invitations for an address, so a new one can be issued. */
  async revokeExpired(workspaceId: string, email: string, now: Date): Promise<void> {
    await this.db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('email_normalized', '=', normalizeEmail(email))
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '<=', now)
      .execute();
  }

  /** One-time: succeeds for exactly one caller, and only while the invitation is live. */
  async markAccepted(id: string, userId: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

function toInvitation(r: {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  invited_by: string | null;
  inviter_name: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}): Invitation {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    email: r.email,
    role: r.role as Role,
    invitedBy: r.invited_by,
    invitedByName: r.inviter_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    acceptedAt: r.accepted_at,
    revokedAt: r.revoked_at,
  };
}
