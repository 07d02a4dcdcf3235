import type { WorkspacePerson } from '../members/people.js';
import { ROLE_INFO } from '../members/permissions.js';
import type { ApprovalDecision } from './approvals.repository.js';
import type { Approver, Step } from './workflows.js';

/** Someone who may decide a step: a member, or an address deciding through a link. */
export type Decider = { userId: string; name: string } | { email: string };

export interface ApproverView {
  type: Approver['type'];
  userId?: string;
  role?: string;
  email?: string;
  label: string;
}

/** How an approver reads in the app ("Ana Diaz", "Managers", "client@example.com"). */
export function approverView(a: Approver, people: readonly WorkspacePerson[]): ApproverView {
  if (a.type === 'user') {
    const p = people.find((x) => x.userId === a.userId);
    return { type: 'user', userId: a.userId, label: p ? p.name : 'A former member' };
  }
  if (a.type === 'role')
    return { type: 'role', role: a.role, label: `Every ${ROLE_INFO[a.role].label.toLowerCase()}` };
  return { type: 'email', email: a.email, label: a.email };
}

/**
 * The people a step names, as of now: its members (who still reach the workspace), everyone with one of its
 * roles, and its addresses; never the post's author or whoever submitted it (nobody approves their own post).
 */
export function deciders(
  step: Step,
  people: readonly WorkspacePerson[],
  excluded: readonly (string | null)[],
): Decider[] {
  const out = new Map<string, Decider>();
  for (const a of step.approvers) {
    if (a.type === 'email') out.set(`e:${a.email}`, { email: a.email });
    else
      for (const p of people) {
        if (excluded.includes(p.userId)) continue;
        if ((a.type === 'user' && p.userId === a.userId) || (a.type === 'role' && p.role === a.role))
          out.set(`u:${p.userId}`, { userId: p.userId, name: p.name });
      }
  }
  return [...out.values()];
}

export const sameDecider = (d: Decider, x: { userId: string | null; email: string | null }): boolean =>
  'userId' in d ? d.userId === x.userId : d.email === x.email;

/** Whether the step is complete after these approvals (its own step's decisions). */
export function stepComplete(
  step: Step,
  everyone: readonly Decider[],
  approvals: readonly ApprovalDecision[],
): boolean {
  if (step.rule === 'any') return approvals.length > 0;
  return everyone.every((d) => approvals.some((a) => sameDecider(d, a)));
}
