import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UsersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(user: { id: string; email: string; name: string; passwordHash: string }): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email.trim(),
        email_normalized: normalizeEmail(user.email),
        name: user.name,
        password_hash: user.passwordHash,
      })
      .returning(['id', 'email', 'name', 'created_at'])
      .executeTakeFirstOrThrow();
    return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
  }

  async findByEmail(email: string): Promise<UserWithPassword | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'created_at', 'password_hash'])
      .where('email_normalized', '=', normalizeEmail(email))
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        email: row.email,
        name: row.name,
        createdAt: row.created_at,
        passwordHash: row.password_hash,
      }
    );
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
