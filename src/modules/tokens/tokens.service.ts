import { AppError, forbidden, notFound } from '../../core/errors.js';
import { newId, randomToken } from '../../core/ids.js';
import { sha256 } from '../../core/hash.js';
import type { Clock } from '../../core/clock.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { isPermission, permissionsOf, type Permission } from '../members/permissions.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { ApiToken, TokensRepository } from './tokens.repository.js';
import type { OrganizationsRepository } from '../workspaces/organizations.repository.js';

export const TOKEN_PREFIX = 'chorus_pat_';

export interface TokenPrincipal {
  kind: 'token';
  userId: string;
  tokenId: string;
  workspaceIds: string[];
  permissions: Permission[];
}

export class TokensService {
  constructor(
    private readonly deps: {
      tokens: TokensRepository;
      workspaces: WorkspacesRepository;
      audit: AuditService;
      organizations: OrganizationsRepository;
      clock: Clock;
    },
  ) {}

  /**
   * Creates a token scoped to workspaces and permissions the user actually holds in every one of those
   * workspaces (a token can never exceed its owner). The secret is returned once and stored only hashed.
   */
  async create(
    userId: string,
    input: {
      name: string;
      workspaceIds: string[];
      permissions: string[];
      expiresInDays?: number | undefined;
    },
    actor: Actor,
  ): Promise<{ token: ApiToken; secret: string }> {
    const accessible = new Map((await this.deps.workspaces.accessibleBy(userId)).map((w) => [w.id, w]));
    const workspaceIds = [...new Set(input.workspaceIds)];
    for (const id of workspaceIds) {
      if (!accessible.has(id)) throw notFound(`Workspace ${id}`);
    }
    const unknown = input.permissions.filter((p) => !isPermission(p));
    if (unknown.length > 0) {
      throw new AppError(
        'invalid_request',
        `Unknown permissions: ${unknown.join(', ')}. See GET /api/v1/roles.`,
        {
          details: { unknown },
        },
      );
    }
    const permissions = [...new Set(input.permissions)] as Permission[];
    for (const id of workspaceIds) {
      const ws = accessible.get(id)!;
      const missing = permissions.filter((p) => !permissionsOf(ws.role).includes(p));
      if (missing.length > 0) {
        throw forbidden(
          `Your role in workspace "${ws.name}" does not include ${missing.join(', ')}, so a token cannot have it there.`,
        );
      }
    }
    const now = this.deps.clock.now();
    const random = randomToken(32);
    const secret = `${TOKEN_PREFIX}${random}`;
    const token = await this.deps.tokens.insert({
      id: newId(),
      userId,
      name: input.name,
      prefix: `${TOKEN_PREFIX}${random.slice(0, 6)}`,
      tokenHash: sha256(secret),
      workspaceIds,
      permissions,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
    });
    await this.recordForUser(userId, actor, {
      action: 'token.created',
      targetType: 'api_token',
      targetId: token.id,
      data: { name: token.name, workspaceIds, permissions },
    });
    return { token, secret };
  }

  /** Token events are recorded for each organization of the user, so its admins see them. */
  private async recordForUser(userId: string, actor: Actor, entry: Parameters<AuditService['record']>[1]) {
    const orgs = await this.deps.organizations.membershipsOf(userId);
    for (const org of orgs)
      await this.deps.audit.record(actor, { ...entry, organizationId: org.organizationId });
    if (orgs.length === 0) await this.deps.audit.record(actor, entry);
  }

  list(userId: string): Promise<ApiToken[]> {
    return this.deps.tokens.listForUser(userId);
  }

  async revoke(userId: string, tokenId: string, actor: Actor): Promise<void> {
    if (!(await this.deps.tokens.revoke(userId, tokenId, this.deps.clock.now()))) throw notFound('Token');
    await this.recordForUser(userId, actor, {
      action: 'token.revoked',
      targetType: 'api_token',
      targetId: tokenId,
    });
  }

  async authenticate(secret: string): Promise<TokenPrincipal | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const now = this.deps.clock.now();
    const token = await this.deps.tokens.findLiveByHash(sha256(secret), now);
    if (!token) return undefined;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      await this.deps.tokens.touch(token.id, now);
    }
    return {
      kind: 'token',
      userId: token.userId,
      tokenId: token.id,
      workspaceIds: token.workspaceIds,
      permissions: token.permissions.filter(isPermission),
    };
  }
}
