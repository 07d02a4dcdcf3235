import type { ApiError } from '../api.js';

/** Where a problem with a workflow belongs: a form field (`name`, `steps.1.approvers`…) or the whole form (''). */
export type WorkflowIssues = Map<string, string[]>;

const TOP_FIELDS = new Set(['name', 'channelIds', 'requiredFor', 'steps', 'onExpiry', 'approvalValidDays']);
const STEP_FIELDS = new Set(['name', 'rule', 'approvers', 'checklist']);

/** `body.steps[1].approvers.0.email` → `steps.1.approvers`; `body.name` → `name`; anything else → ''. */
export function workflowFieldOf(path: string): string {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  if (parts[0] === 'body') parts.shift();
  const [top, index, field] = parts;
  if (!top || !TOP_FIELDS.has(top)) return '';
  if (top !== 'steps' || index === undefined || !/^\d+$/.test(index)) return top;
  return field && STEP_FIELDS.has(field) ? `steps.${index}.${field}` : `steps.${index}`;
}

/** The server's refusal split by field, so each message appears next to what it is about. */
export function locateWorkflowIssues(error: ApiError): WorkflowIssues {
  const found: WorkflowIssues = new Map();
  const add = (key: string, message: string) => found.set(key, [...(found.get(key) ?? []), message]);
  const details = error.details as
    { issues?: { path?: unknown; message?: unknown }[]; path?: unknown; field?: unknown } | undefined;
  if (details && Array.isArray(details.issues) && details.issues.length > 0) {
    for (const issue of details.issues) {
      const message = typeof issue.message === 'string' ? issue.message : error.message;
      add(typeof issue.path === 'string' ? workflowFieldOf(issue.path) : '', message);
    }
    return found;
  }
  const where =
    typeof details?.path === 'string'
      ? details.path
      : typeof details?.field === 'string'
        ? details.field
        : '';
  add(where ? workflowFieldOf(where) : '', error.message);
  return found;
}
