import { AppError } from '../../core/errors.js';
import { newId, randomToken } from '../../core/ids.js';
import { sha256 } from '../../core/hash.js';
import type { Clock } from '../../core/clock.js';
import type { AuditService, Actor } from '../audit/audit.service.js';
import type { SessionsRepository } from './sessions.repository.js';
import type { User, UsersRepository } from './users.repository.js';
import { normalizeEmail } from './users.repository.js';
import { burnPasswordCheck, verifyPassword } from './password.js';
import type { LoginThrottle } from './throttle.js';
import type { OrganizationsRepository } from '../workspaces/organizations.repository.js';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionPrincipal {
  kind: 'session';
  userId: string;
  sessionId: string;
  csrfToken: string;
}

const TOUCH_EVERY_MS = 60_000;

/** The CSRF token is derived from the session token: it needs no storage and dies with the session. */
export function csrfTokenFor(sessionToken: string): string {
  return sha256(`csrf:${sessionToken}`).slice(0, 43);
}

export class AuthService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      sessions: SessionsRepository;
      throttle: LoginThrottle;
      audit: AuditService;
      organizations: OrganizationsRepository;
      clock: Clock;
      settings: SessionSettings;
    },
  ) {}

  async login(email: string, password: string, actor: Actor): Promise<{ user: User; session: NewSession }> {
    const { users, throttle } = this.deps;
    const keys = [`email:${normalizeEmail(email)}`, ...(actor.ip ? [`ip:${actor.ip}`] : [])];
    await throttle.assertAllowed(keys);
    const found = await users.findByEmail(email);
    const ok = found
      ? await verifyPassword(found.passwordHash, password)
      : (await burnPasswordCheck(password), false);
    if (!found || !ok) {
      const locked = await throttle.fail(keys[0]!, { freeAttempts: 5 });
      if (keys[1]) await throttle.fail(keys[1], { freeAttempts: 20 });
      await this.recordForUser(
        { ...actor, userId: found?.id ?? null },
        found?.id,
        locked ? 'auth.locked' : 'auth.login_failed',
      );
      throw new AppError('unauthenticated', 'The e-mail or password is wrong. Check both and try again.');
    }
    await throttle.succeed(keys[0]!);
    const session = await this.startSession(found.id, actor);
    await this.recordForUser({ ...actor, userId: found.id }, found.id, 'auth.login');
    const { passwordHash: _, ...user } = found;
    return { user, session };
  }

  async startSession(userId: string, actor: Actor): Promise<NewSession> {
    const now = this.deps.clock.now();
    const token = randomToken(32);
    const expiresAt = new Date(now.getTime() + this.deps.settings.absoluteHours * 3_600_000);
    await this.deps.sessions.insert({
      id: newId(),
      userId,
      tokenHash: sha256(token),
      expiresAt,
      idleExpiresAt: this.idleDeadline(now, expiresAt),
      ip: actor.ip,
      userAgent: actor.userAgent?.slice(0, 300) ?? null,
    });
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  async authenticateSession(token: string): Promise<SessionPrincipal | undefined> {
    const now = this.deps.clock.now();
    const session = await this.deps.sessions.findLiveByTokenHash(sha256(token), now);
    if (!session) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.deps.sessions.touch(session.id, now, this.idleDeadline(now, session.expiresAt));
    }
    return { kind: 'session', userId: session.userId, sessionId: session.id, csrfToken: csrfTokenFor(token) };
  }

  async logout(principal: SessionPrincipal, actor: Actor): Promise<void> {
    await this.deps.sessions.delete(principal.sessionId);
    await this.recordForUser(actor, principal.userId, 'auth.logout');
  }

  async deleteExpiredSessions(): Promise<number> {
    return this.deps.sessions.deleteExpired(this.deps.clock.now());
  }

  /**
   * Account events belong to no workspace: they are recorded once per organization the user belongs to, so
   * each organization's admins see them. Failures for unknown e-mails are recorded without an organization.
   */
  private async recordForUser(actor: Actor, userId: string | undefined, action: string): Promise<void> {
    const orgs = userId ? await this.deps.organizations.membershipsOf(userId) : [];
    const target = userId ? { targetType: 'user', targetId: userId } : {};
    if (orgs.length === 0) return this.deps.audit.record(actor, { action, ...target });
    for (const org of orgs)
      await this.deps.audit.record(actor, { action, organizationId: org.organizationId, ...target });
  }

  private idleDeadline(now: Date, absolute: Date): Date {
    return new Date(Math.min(now.getTime() + this.deps.settings.idleMinutes * 60_000, absolute.getTime()));
  }
}
