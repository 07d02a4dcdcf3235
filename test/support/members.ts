import { expect } from 'vitest';
import type { SessionApi } from './browser.js';

export interface Person {
  name: string;
  email: string;
  password: string;
}

/**
 * Invites `person` with `role` as the caller of `api` would, and accepts the invitation through the API (the
 * e-mailed link when `mail` is given, else the link the server returns when it has no mail server).
 */
export async function addMember(
  url: string,
  api: SessionApi,
  workspaceId: string,
  person: Person,
  role: string,
  mail?: {
    waitFor: (predicate: (m: { to: string[]; text: string }) => boolean) => Promise<{ text: string }>;
  },
): Promise<void> {
  const res = await api('POST', `/api/v1/workspaces/${workspaceId}/invitations`, {
    email: person.email,
    role,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { acceptUrl } = (await res.json()) as { acceptUrl: string | null };
  const text = mail ? (await mail.waitFor((m) => m.to.includes(person.email))).text : (acceptUrl ?? '');
  const token = /\/invite#token=([\w-]+)/.exec(text)?.[1];
  expect(token, text).toBeTruthy();
  const accepted = await fetch(`${url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name: person.name, password: person.password }),
  });
  expect(accepted.status, await accepted.clone().text()).toBe(200);
}
