import type { Actor, AuditService } from '../audit/audit.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';

/** Records a publishing action in the workspace's audit log. */
export function recordPublishing(
  audit: AuditService,
  actor: Actor,
  access: WorkspaceAccess,
  action: string,
  targetId: string,
  data: Record<string, unknown>,
) {
  return audit.inWorkspace(actor, access.workspace, action, { type: 'post', id: targetId }, data);
}
