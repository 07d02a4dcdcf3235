import argon2 from 'argon2';
import { invalid } from '../../core/errors.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1): strong, and cheap enough for a 2-core server.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so response time does not reveal whether an account exists. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= argon2.hash('chorus-dummy-password', OPTIONS);
  await verifyPassword(await dummyHash, password);
}

export function checkPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN) {
    throw invalid(`The password is too short: use at least ${PASSWORD_MIN} characters.`);
  }
  if (password.length > PASSWORD_MAX) {
    throw invalid(`The password is too long: use at most ${PASSWORD_MAX} characters.`);
  }
}
