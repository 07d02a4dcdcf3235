import type { Clock } from '../../core/clock.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspacePeople } from '../members/people.js';
import { can, ROLE_INFO, ROLES } from '../members/permissions.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { ApprovalsRepository } from './approvals.repository.js';
import type { Workflow, WorkflowInput, WorkflowPatch } from './workflows.js';

const MAX_WORKFLOWS = 50;
const DECIDING_ROLES = ROLES.filter((r) => can(r, 'approvals.decide'));

/**
 * A workspace's approval workflows, in the order they are tried. Each is checked against the workspace when
 * saved: its channels are the workspace's, its members reach it and may read posts, and its roles may
 * decide on approvals. Problems are reported where they are (`body.steps.1.approvers.0`).
 */
export class WorkflowsService {
  constructor(
    private readonly deps: {
      repo: ApprovalsRepository;
      channels: ChannelsService;
      people: WorkspacePeople;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  list(access: WorkspaceAccess): Promise<Workflow[]> {
    return this.deps.repo.workflows(access.workspace.id);
  }

  private async check(
    access: WorkspaceAccess,
    w: Omit<Workflow, 'id' | 'workspaceId' | 'createdAt' | 'updatedAt'>,
  ) {
    const issues: { path: string; message: string }[] = [];
    const channels = new Set((await this.deps.channels.list(access)).map((c) => c.id));
    w.channelIds.forEach((id, i) => {
      if (!channels.has(id))
        issues.push({
          path: `body.channelIds.${i}`,
          message: `Channel ${id} is not a channel of this workspace.`,
        });
    });
    const people = (await this.deps.people.of(access.workspace.id))?.people ?? [];
    w.steps.forEach((step, s) => {
      step.approvers.forEach((a, i) => {
        const path = `body.steps.${s}.approvers.${i}`;
        if (a.type === 'user') {
          const p = people.find((x) => x.userId === a.userId);
          if (!p || !can(p.role, 'posts.read'))
            issues.push({
              path,
              message: `User ${a.userId} is not a member of this workspace who can see posts.`,
            });
        } else if (a.type === 'role' && !DECIDING_ROLES.includes(a.role)) {
          issues.push({
            path,
            message: `The ${ROLE_INFO[a.role].label.toLowerCase()} role cannot approve posts; name such people one by one, or use one of: ${DECIDING_ROLES.join(', ')}.`,
          });
        }
      });
      const items = new Set<string>();
      step.checklist.forEach((item, i) => {
        if (items.has(item))
          issues.push({
            path: `body.steps.${s}.checklist.${i}`,
            message: `"${item}" is in the checklist twice.`,
          });
        items.add(item);
      });
    });
    if (issues.length > 0) {
      throw new AppError(
        'invalid_request',
        `The workflow has ${issues.length} problem(s): ${issues.map((i) => `${i.path}: ${i.message}`).join(' ')}`,
        { details: { issues } },
      );
    }
  }

  async create(access: WorkspaceAccess, actor: Actor, input: WorkflowInput): Promise<Workflow> {
    const existing = await this.deps.repo.workflows(access.workspace.id);
    if (existing.length >= MAX_WORKFLOWS)
      throw new AppError('conflict', `A workspace has at most ${MAX_WORKFLOWS} workflows; delete one first.`);
    const w = {
      ...input,
      channelIds: [...new Set(input.channelIds)],
      requiredFor: [...new Set(input.requiredFor)],
      position: existing.length === 0 ? 0 : Math.max(...existing.map((x) => x.position)) + 1,
    };
    await this.check(access, w);
    const id = newId();
    await this.deps.repo.insertWorkflow(
      { id, workspaceId: access.workspace.id, ...w },
      this.deps.clock.now(),
    );
    await this.record(actor, access, 'approval_workflow.created', id, { name: w.name });
    return (await this.deps.repo.workflow(access.workspace.id, id))!;
  }

  async update(access: WorkspaceAccess, actor: Actor, id: string, patch: WorkflowPatch): Promise<Workflow> {
    const current = await this.deps.repo.workflow(access.workspace.id, id);
    if (!current) throw notFound('Workflow');
    const next: Workflow = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    next.channelIds = [...new Set(next.channelIds)];
    next.requiredFor = [...new Set(next.requiredFor)];
    await this.check(access, next);
    await this.deps.repo.updateWorkflow(next, this.deps.clock.now());
    await this.record(actor, access, 'approval_workflow.updated', id, { fields: Object.keys(patch) });
    return (await this.deps.repo.workflow(access.workspace.id, id))!;
  }

  /** Pending requests keep the steps they were submitted with. */
  async remove(access: WorkspaceAccess, actor: Actor, id: string): Promise<void> {
    const current = await this.deps.repo.workflow(access.workspace.id, id);
    if (!current || !(await this.deps.repo.deleteWorkflow(access.workspace.id, id)))
      throw notFound('Workflow');
    await this.record(actor, access, 'approval_workflow.deleted', id, { name: current.name });
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    id: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      action,
      { type: 'approval_workflow', id },
      data,
    );
  }
}
