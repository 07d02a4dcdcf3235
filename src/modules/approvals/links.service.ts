import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { JobSender } from '../../jobs/queue.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { CommentsRepository } from '../comments/comments.repository.js';
import type { Mailer } from '../mail/mailer.js';
import type { MediaService } from '../media/media.service.js';
import type { Keyring } from '../vault/keyring.js';
import type { Workspace, WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { ApprovalLink, ApprovalRequest, ApprovalsRepository } from './approvals.repository.js';
import type { ApprovalsService, DecisionInput, ExternalInvites } from './approvals.service.js';
import type { ApprovalViews } from './approvals.views.js';
import { excerpt } from './notices.js';

/** The signature purpose: a signature made for anything else never opens an approval link. */
const PURPOSE = 'approval-link.v1';
export const DEFAULT_LINK_DAYS = 7;
const MAX_REQUESTS = 50;
const MAX_COMMENT = 5_000;

/** Someone without an account, acting through a link (the audit log keeps their address in the data). */
const LINK_ACTOR: Actor = { userId: null, tokenId: null, ip: null, userAgent: 'approval link' };

type Refusal = 'link_invalid' | 'link_expired' | 'link_revoked' | 'link_used';

const refuse = (reason: Refusal, message: string) =>
  new AppError(reason === 'link_used' ? 'conflict' : 'not_found', message, { details: { reason } });

/**
 * Links for approvers without an account (clients). A link covers one request or a batch, for one e-mail
 * address, until it expires or is revoked. The token is `<link id>.<expiry>.<signature>`, signed with a key
 * derived from the secret key for this purpose only; it is never stored (it can be made again from the row,
 * so the e-mail job carries only the link id). Whoever holds it sees the frozen previews and decides as that
 * address, where a step names it.
 */
export class ApprovalLinksService implements ExternalInvites {
  constructor(
    private readonly deps: {
      repo: ApprovalsRepository;
      approvals: ApprovalsService;
      views: ApprovalViews;
      workspaces: WorkspacesRepository;
      comments: CommentsRepository;
      media: MediaService;
      keyring: Keyring;
      jobs: JobSender;
      mailer: Mailer;
      audit: AuditService;
      clock: Clock;
      publicUrl: string;
      logger: Logger;
    },
  ) {}

  /** The token of a link: it can be made again from the row, never read back from the database. */
  token(link: { id: string; expiresAt: Date }): string {
    const exp = Math.floor(link.expiresAt.getTime() / 1000);
    return `${link.id}.${exp}.${this.deps.keyring.sign(PURPOSE, `${link.id}.${exp}`)}`;
  }

  url(link: { id: string; expiresAt: Date }): string {
    return `${this.deps.publicUrl}/approve/${this.token(link)}`;
  }

  // --- members' side -------------------------------------------------------------------------------

  async create(
    access: WorkspaceAccess,
    actor: Actor,
    input: { email: string; requestIds: string[]; expiresInDays?: number | undefined },
  ): Promise<ApprovalLink> {
    const ids = [...new Set(input.requestIds)];
    if (ids.length === 0 || ids.length > MAX_REQUESTS)
      throw invalid(`A link covers 1 to ${MAX_REQUESTS} requests; you sent ${ids.length}.`);
    const requests = await this.deps.repo.requestsByIds(access.workspace.id, ids);
    const missing = ids.filter((id) => !requests.some((r) => r.id === id));
    if (missing.length > 0)
      throw invalid(`requestIds: ${missing.join(', ')} are not approval requests of this workspace.`);
    const closed = requests.filter((r) => r.state !== 'pending');
    if (closed.length > 0)
      throw invalid(
        `Only posts waiting for approval can be sent: ${closed.map((r) => `“${excerpt(r.snapshot.body)}” is ${r.state.replace('_', ' ')}`).join('; ')}.`,
      );
    if (!this.deps.mailer.configured)
      throw new AppError(
        'unavailable',
        'E-mail is not configured on this server (SMTP_URL), so the link cannot be sent.',
      );
    const link = await this.issue(
      access.workspace,
      actor,
      input.email.toLowerCase(),
      requests,
      input.expiresInDays,
    );
    return link;
  }

  private async issue(
    workspace: Workspace,
    actor: Actor,
    email: string,
    requests: readonly ApprovalRequest[],
    days = DEFAULT_LINK_DAYS,
  ): Promise<ApprovalLink> {
    const now = this.deps.clock.now();
    const id = newId();
    // Whole seconds: the token carries the expiry in seconds and must match the row.
    const expiresAt = new Date(Math.floor((now.getTime() + days * 86_400_000) / 1000) * 1000);
    await this.deps.repo.insertLink({
      id,
      workspaceId: workspace.id,
      email,
      requestIds: requests.map((r) => r.id),
      createdBy: actor.userId,
      createdAt: now,
      expiresAt,
    });
    await this.deps.jobs.send('approvals.link-email.v1', { linkId: id });
    for (const r of requests) {
      await this.deps.audit.inWorkspace(
        actor,
        workspace,
        'approval.link_sent',
        { type: 'post', id: r.postId },
        {
          linkId: id,
          email,
          requestId: r.id,
          expiresAt: expiresAt.toISOString(),
        },
      );
    }
    return (await this.deps.repo.link(id))!;
  }

  /** A step naming these addresses has become current: each gets a link to the request. */
  async invite(workspace: Workspace, request: ApprovalRequest, emails: readonly string[]): Promise<void> {
    if (!this.deps.mailer.configured) {
      this.deps.logger.warn(
        { requestId: request.id },
        'an approval step names e-mail addresses but e-mail is not configured (SMTP_URL): no link was sent',
      );
      return;
    }
    for (const email of emails) await this.issue(workspace, LINK_ACTOR, email, [request]);
  }

  list(access: WorkspaceAccess, requestId?: string): Promise<ApprovalLink[]> {
    return this.deps.repo.linksOf(access.workspace.id, requestId);
  }

  async revoke(access: WorkspaceAccess, actor: Actor, linkId: string): Promise<void> {
    const link = await this.deps.repo.link(linkId);
    if (!link || link.workspaceId !== access.workspace.id) throw notFound('Link');
    if (!(await this.deps.repo.revokeLink(access.workspace.id, linkId, this.deps.clock.now())))
      throw new AppError('conflict', 'This link is already revoked.');
    await this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      'approval.link_revoked',
      { type: 'approval_link', id: linkId },
      {
        email: link.email,
      },
    );
  }

  /** The e-mail job: sends the link (made again from the row); a failure is retried by the job engine. */
  async sendEmail(linkId: string): Promise<'sent' | 'skipped'> {
    const link = await this.deps.repo.link(linkId);
    if (!link || link.revokedAt || link.expiresAt <= this.deps.clock.now()) return 'skipped';
    const workspace = await this.deps.workspaces.find(link.workspaceId);
    if (!workspace) return 'skipped';
    const requests = await this.deps.repo.requestsByIds(link.workspaceId, link.requestIds);
    const pending = requests.filter((r) => r.state === 'pending');
    if (pending.length === 0) return 'skipped';
    const who = link.createdByName ?? workspace.name;
    const list = pending.map((r) => `- ${r.snapshot.title ?? excerpt(r.snapshot.body, 80)}`).join('\n');
    await this.deps.mailer.send({
      to: link.email,
      subject:
        pending.length === 1
          ? `Please approve a post for ${workspace.name}`
          : `Please approve ${pending.length} posts for ${workspace.name}`,
      text: [
        `${who} asks for your approval in the workspace "${workspace.name}":`,
        '',
        list,
        '',
        `Open this link to see the posts as they will appear, and approve them or ask for changes (no account needed):`,
        this.url(link),
        '',
        `The link works until ${link.expiresAt.toUTCString()}. Do not forward it: whoever has it can decide in your name.`,
      ].join('\n'),
    });
    return 'sent';
  }

  // --- the public side: whoever holds the token --------------------------------------------------

  /** Checks the token: its signature, its expiry, and that the link still exists and is not revoked. */
  async open(token: string): Promise<{ link: ApprovalLink; workspace: Workspace }> {
    const damaged = () =>
      refuse(
        'link_invalid',
        'This approval link is not valid: it may be incomplete or changed. Open it again from the e-mail, or ask the sender for a new one.',
      );
    const parts = token.split('.');
    if (parts.length !== 3) throw damaged();
    const [id, exp, signature] = parts as [string, string, string];
    if (!/^[0-9a-f-]{36}$/.test(id) || !/^\d{1,12}$/.test(exp)) throw damaged();
    if (!this.deps.keyring.verify(PURPOSE, `${id}.${exp}`, signature)) throw damaged();
    const now = this.deps.clock.now();
    if (Number(exp) * 1000 <= now.getTime())
      throw refuse('link_expired', 'This approval link has expired. Ask the sender for a new link.');
    const link = await this.deps.repo.link(id);
    if (!link || Math.floor(link.expiresAt.getTime() / 1000) !== Number(exp)) throw damaged();
    if (link.revokedAt)
      throw refuse(
        'link_revoked',
        'This approval link was withdrawn by its sender. Ask them for a new link if you still need one.',
      );
    const workspace = await this.deps.workspaces.find(link.workspaceId);
    if (!workspace) throw damaged();
    return { link, workspace };
  }

  /** What the link shows: each post as frozen for approval, what is decided, and its comments. */
  async view(token: string) {
    const { link, workspace } = await this.open(token);
    const items = await this.items(link, workspace);
    // Used: this address decided, and nothing it covers still waits for it.
    if (items.some((i) => i.decided) && items.every((i) => i.request.state !== 'pending' || i.decided)) {
      throw refuse(
        'link_used',
        'Everything this link asked you about is decided, so it cannot be used again. The sender will send a new link if more is needed.',
      );
    }
    await this.deps.repo.touchLink(link.id, this.deps.clock.now());
    return { workspace: { name: workspace.name }, email: link.email, expiresAt: link.expiresAt, items };
  }

  private async items(link: ApprovalLink, workspace: Workspace) {
    const requests = await this.deps.repo.requestsByIds(workspace.id, link.requestIds);
    const ordered = link.requestIds.flatMap((id) => requests.filter((r) => r.id === id));
    const details = await this.deps.views.details(workspace.id, ordered);
    return Promise.all(
      details.map(async (detail) => {
        const { request } = detail;
        const mine = detail.decisions.filter((d) => d.email === link.email);
        const canDecide =
          request.state === 'pending' &&
          detail.waitingFor.some((w) => 'email' in w && w.email === link.email);
        const comments = (await this.deps.comments.forPost(request.postId)).filter(
          (c) => c.deletedAt === null,
        );
        return {
          request,
          detail,
          canDecide,
          decided: mine.length > 0 ? { decision: mine.at(-1)!.decision, at: mine.at(-1)!.createdAt } : null,
          comments,
        };
      }),
    );
  }

  private async covered(token: string, requestId: string) {
    const { link, workspace } = await this.open(token);
    if (!link.requestIds.includes(requestId)) throw notFound('Approval request');
    const request = await this.deps.repo.request(workspace.id, requestId);
    if (!request) throw notFound('Approval request');
    return { link, workspace, request };
  }

  async decide(token: string, input: DecisionInput & { requestId: string }) {
    const { link, workspace, request } = await this.covered(token, input.requestId);
    if (request.state === 'pending') {
      const mine = (await this.deps.repo.decisions([request.id])).some(
        (d) => d.email === link.email && d.step === request.currentStep,
      );
      if (mine)
        throw refuse(
          'link_used',
          'You already decided on this post with this link; it cannot be used to decide again.',
        );
    } else if (request.state !== 'superseded') {
      throw refuse(
        'link_used',
        `This post is no longer waiting for approval (${request.state.replace('_', ' ')}): there is nothing to decide.`,
      );
    }
    await this.deps.approvals.decideAs(workspace, request, { email: link.email }, input, {
      ...LINK_ACTOR,
      userAgent: `approval link ${link.id}`,
    });
    await this.deps.repo.touchLink(link.id, this.deps.clock.now());
    return (await this.items(link, workspace)).find((i) => i.request.id === request.id)!;
  }

  async comment(token: string, input: { requestId: string; body: string }) {
    const { link, workspace, request } = await this.covered(token, input.requestId);
    const body = input.body.trim();
    if (body === '') throw invalid('body is empty: write the comment.');
    if (body.length > MAX_COMMENT)
      throw invalid(`body is ${body.length} characters; a comment takes at most ${MAX_COMMENT}.`);
    const id = newId();
    await this.deps.comments.insert({
      id,
      workspaceId: workspace.id,
      postId: request.postId,
      channelId: null,
      parentId: null,
      authorId: null,
      externalAuthor: link.email,
      body,
      mentions: [],
      now: this.deps.clock.now(),
    });
    await this.deps.audit.inWorkspace(
      LINK_ACTOR,
      workspace,
      'comment.created',
      { type: 'post', id: request.postId },
      {
        commentId: id,
        byEmail: link.email,
        byName: link.email,
      },
    );
    return (await this.deps.comments.find(workspace.id, id))!;
  }

  /** A picture of a post the link covers (never any other file of the library). */
  async media(token: string, assetId: string, thumbnail: boolean) {
    const { link, workspace } = await this.open(token);
    const requests = await this.deps.repo.requestsByIds(workspace.id, link.requestIds);
    const used = requests.some((r) =>
      r.snapshot.channels.some((c) => c.media.some((m) => m.assetId === assetId)),
    );
    if (!used) throw notFound('File');
    const access: WorkspaceAccess = { workspace, role: 'client', permissions: ['media.read'] };
    return this.deps.media.open(access, assetId, thumbnail ? 'thumbnail' : 'original');
  }
}
