import { notFound } from '../../core/errors.js';
import type { PostApprovalState } from '../../db/schema.js';
import type { WorkspacePeople, WorkspacePerson } from '../members/people.js';
import type { PostsRepository } from '../publishing/posts.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Actor } from '../audit/audit.service.js';
import type { ApprovalDecision, ApprovalRequest, ApprovalsRepository } from './approvals.repository.js';
import { deciders, sameDecider, type Decider } from './approvers.js';

const QUEUE_LIMIT = 200;

/** A request, with who it waits for and what its people decided. */
export interface RequestDetail {
  request: ApprovalRequest;
  decisions: ApprovalDecision[];
  previous: ApprovalRequest | undefined;
  /** Who can still act on the current step (empty unless pending). */
  waitingFor: Decider[];
  people: WorkspacePerson[];
  postAuthor: string | null;
}

/** Reading approvals: a request with who it waits for, a post's approval, and the approvals queue. */
export class ApprovalViews {
  constructor(
    private readonly deps: { repo: ApprovalsRepository; postsRepo: PostsRepository; people: WorkspacePeople },
  ) {}

  private async people(workspaceId: string): Promise<WorkspacePerson[]> {
    return (await this.deps.people.of(workspaceId))?.people ?? [];
  }

  async detail(
    workspaceId: string,
    request: ApprovalRequest,
    people?: WorkspacePerson[],
  ): Promise<RequestDetail> {
    return (await this.details(workspaceId, [request], people))[0]!;
  }

  /** Many requests in detail, in a fixed number of queries whatever their number (the queue). */
  async details(
    workspaceId: string,
    requests: readonly ApprovalRequest[],
    people?: WorkspacePerson[],
  ): Promise<RequestDetail[]> {
    if (requests.length === 0) return [];
    const everybody = people ?? (await this.people(workspaceId));
    const previousIds = requests.flatMap((r) => (r.previousId ? [r.previousId] : []));
    const [decisions, previous, authors] = await Promise.all([
      this.deps.repo.decisions(requests.map((r) => r.id)),
      this.deps.repo.requestsByIds(workspaceId, previousIds),
      this.deps.postsRepo.authors(
        workspaceId,
        requests.map((r) => r.postId),
      ),
    ]);
    return requests.map((request) => {
      const own = decisions.filter((d) => d.requestId === request.id);
      const author = authors.get(request.postId) ?? null;
      let waitingFor: Decider[] = [];
      if (request.state === 'pending') {
        const step = request.workflow.steps[request.currentStep]!;
        const done = own.filter((d) => d.step === request.currentStep);
        waitingFor = deciders(step, everybody, [author, request.submittedBy]).filter(
          (d) => !done.some((x) => sameDecider(d, x)),
        );
      }
      return {
        request,
        decisions: own,
        previous: previous.find((p) => p.id === request.previousId),
        waitingFor,
        people: everybody,
        postAuthor: author,
      };
    });
  }

  /** A post's approval: where it stands, its latest request in detail, and the earlier ones. */
  async forPost(access: WorkspaceAccess, postId: string) {
    const post = await this.deps.postsRepo.findPost(access.workspace.id, postId);
    if (!post) throw notFound('Post');
    const history = await this.deps.repo.forPost(postId);
    const latest = history[0];
    const channelIds = (await this.deps.postsRepo.variants([postId])).map((v) => v.channelId);
    const workflow = await this.deps.repo.workflowOf(access.workspace.id, channelIds);
    return {
      state: post.approvalState,
      workflow: { id: workflow.id, name: workflow.terms.name },
      latest: latest ? await this.detail(access.workspace.id, latest) : undefined,
      history,
      canSubmit:
        post.kind === 'post' &&
        access.permissions.includes('posts.write') &&
        (
          ['required', 'rejected', 'changes_requested', 'expired', 'not_required'] as PostApprovalState[]
        ).includes(post.approvalState),
    };
  }

  async request(access: WorkspaceAccess, requestId: string): Promise<RequestDetail> {
    const request = await this.deps.repo.request(access.workspace.id, requestId);
    if (!request) throw notFound('Approval request');
    return this.detail(access.workspace.id, request);
  }

  /**
   * The approvals queue: `mine` waits for the caller (oldest first), `others` waits for someone else,
   * `submitted` is what the caller submitted (newest first). At most 200 requests.
   */
  async queue(
    access: WorkspaceAccess,
    actor: Actor,
    view: 'mine' | 'others' | 'submitted',
  ): Promise<RequestDetail[]> {
    const people = await this.people(access.workspace.id);
    if (view === 'submitted') {
      if (!actor.userId) return [];
      const own = await this.deps.repo.submittedBy(access.workspace.id, actor.userId, QUEUE_LIMIT);
      return this.details(access.workspace.id, own, people);
    }
    const pending = await this.deps.repo.pending(access.workspace.id, QUEUE_LIMIT);
    const details = await this.details(access.workspace.id, pending, people);
    const waitsForMe = (d: RequestDetail) =>
      actor.userId !== null && d.waitingFor.some((w) => 'userId' in w && w.userId === actor.userId);
    return details.filter((d) => (view === 'mine' ? waitsForMe(d) : !waitsForMe(d)));
  }
}
