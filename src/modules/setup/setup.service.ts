import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { conflict } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { isValidTimeZone } from '../../core/timezones.js';
import type { Clock } from '../../core/clock.js';
import { inTransaction } from '../../db/repositories.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { hashPassword } from '../auth/password.js';
import type { User } from '../auth/users.repository.js';
import type { SetupRepository } from './setup.repository.js';

export interface OwnerInput {
  name: string;
  email: string;
  password: string;
  organizationName: string;
  workspaceName: string;
  timezone: string;
}

/** First run (web page) and `chorus user create`: a user who owns a new organization with a first workspace. */
export class SetupService {
  constructor(
    private readonly deps: { db: Kysely<DB>; setup: SetupRepository; audit: AuditService; clock: Clock },
  ) {}

  async needsSetup(): Promise<boolean> {
    return !(await this.deps.setup.isComplete());
  }

  /** Only while no one has set Chorus up; the claim is atomic, so two racing first-run pages cannot both win. */
  async completeFirstRun(input: OwnerInput, actor: Actor) {
    return this.createOwner(input, actor, true);
  }

  async createOwner(input: OwnerInput, actor: Actor, requireFirstRun = false) {
    const passwordHash = await hashPassword(input.password);
    const timezone = isValidTimeZone(input.timezone) ? input.timezone : 'UTC';
    const result = await inTransaction(this.deps.db, async (repos) => {
      const claimed = await repos.setup.claim(this.deps.clock.now());
      if (requireFirstRun && !claimed) throw conflict('Chorus is already set up. Log in instead.');
      if (await repos.users.findByEmail(input.email)) {
        throw conflict(`A user with e-mail ${input.email} already exists.`);
      }
      const user: User = await repos.users.insert({
        id: newId(),
        email: input.email,
        name: input.name,
        passwordHash,
      });
      const organizationId = newId();
      await repos.organizations.insert({ id: organizationId, name: input.organizationName });
      await repos.organizations.addMember(organizationId, user.id, 'owner');
      const workspace = await repos.workspaces.insert({
        id: newId(),
        organizationId,
        name: input.workspaceName,
        timezone,
      });
      return { user, organizationId, workspace };
    });
    await this.deps.audit.record(
      { ...actor, userId: actor.userId ?? result.user.id },
      {
        action: requireFirstRun ? 'setup.completed' : 'user.created',
        organizationId: result.organizationId,
        workspaceId: result.workspace.id,
        targetType: 'user',
        targetId: result.user.id,
      },
    );
    return result;
  }
}
