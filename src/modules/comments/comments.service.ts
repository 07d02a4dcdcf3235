import type { Clock } from '../../core/clock.js';
import { conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { can } from '../members/permissions.js';
import type { WorkspacePeople } from '../members/people.js';
import type { NotificationSender } from '../notifications/types.js';
import type { PostsRepository } from '../publishing/posts.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { CommentsRepository, PostComment } from './comments.repository.js';

const MAX_BODY = 5_000;
const MAX_MENTIONS = 20;

export interface CommentInput {
  body: string;
  /** The comment this one answers. */
  parentId?: string | undefined;
  /** The channel whose version it is about; the whole post when absent. */
  channelId?: string | undefined;
  /** People mentioned (user ids); each is told in the app. */
  mentions?: string[] | undefined;
}

/**
 * Threaded comments on posts, on the whole post or on one channel's version. Anyone who may see the post
 * may comment; only the author edits a comment; the author, or someone who may publish, deletes one.
 * Mentioned people who may see the post are notified in the app; a mention of anyone else is refused.
 */
export class CommentsService {
  constructor(
    private readonly deps: {
      repo: CommentsRepository;
      posts: PostsRepository;
      people: WorkspacePeople;
      notifications: NotificationSender;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  private async post(access: WorkspaceAccess, postId: string) {
    const post = await this.deps.posts.findPost(access.workspace.id, postId);
    if (!post) throw notFound('Post');
    return post;
  }

  async list(access: WorkspaceAccess, postId: string): Promise<PostComment[]> {
    await this.post(access, postId);
    return this.deps.repo.forPost(postId);
  }

  private text(body: string): string {
    const text = body.trim();
    if (text === '') throw invalid('body is empty: write the comment.');
    if (text.length > MAX_BODY)
      throw invalid(`body is ${text.length} characters; a comment takes at most ${MAX_BODY}.`);
    return text;
  }

  /** The mentioned people, each of whom must reach the workspace and may read posts. */
  private async mentions(access: WorkspaceAccess, ids: readonly string[] = []): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    if (unique.length > MAX_MENTIONS) throw invalid(`A comment mentions at most ${MAX_MENTIONS} people.`);
    const found = await this.deps.people.of(access.workspace.id);
    const readers = new Set(
      (found?.people ?? []).filter((p) => can(p.role, 'posts.read')).map((p) => p.userId),
    );
    const strangers = unique.filter((id) => !readers.has(id));
    if (strangers.length > 0) {
      throw invalid(
        `mentions: ${strangers.join(', ')} cannot see this post (not a member of the workspace, or a role that cannot read posts). Mention members only.`,
        { mentions: strangers },
      );
    }
    return unique;
  }

  async create(
    access: WorkspaceAccess,
    actor: Actor,
    postId: string,
    input: CommentInput,
  ): Promise<PostComment> {
    const post = await this.post(access, postId);
    const body = this.text(input.body);
    let channelId = input.channelId ?? null;
    if (input.parentId) {
      const parent = await this.deps.repo.find(access.workspace.id, input.parentId);
      if (!parent || parent.postId !== post.id) throw invalid('parentId is not a comment on this post.');
      if (parent.deletedAt) throw conflict('That comment was deleted; reply to the post or another comment.');
      channelId ??= parent.channelId;
    }
    if (channelId) {
      const variants = await this.deps.posts.variants([post.id]);
      if (!variants.some((v) => v.channelId === channelId)) {
        throw invalid(
          'channelId is not a channel of this post: comment on one of its versions, or on the whole post.',
        );
      }
    }
    const mentions = await this.mentions(access, input.mentions);
    const id = newId();
    await this.deps.repo.insert({
      id,
      workspaceId: access.workspace.id,
      postId: post.id,
      channelId,
      parentId: input.parentId ?? null,
      authorId: actor.userId,
      body,
      mentions,
      now: this.deps.clock.now(),
    });
    const comment = (await this.deps.repo.find(access.workspace.id, id))!;
    await this.tell(access, comment, mentions);
    await this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      'comment.created',
      { type: 'post', id: post.id },
      {
        commentId: id,
        mentions: mentions.length,
      },
    );
    return comment;
  }

  async edit(
    access: WorkspaceAccess,
    actor: Actor,
    commentId: string,
    input: { body: string; mentions?: string[] | undefined },
  ): Promise<PostComment> {
    const comment = await this.deps.repo.find(access.workspace.id, commentId);
    if (!comment) throw notFound('Comment');
    if (comment.deletedAt) throw conflict('This comment was deleted.');
    if (!actor.userId || comment.authorId !== actor.userId)
      throw forbidden('Only its author edits a comment.');
    const body = this.text(input.body);
    const mentions = await this.mentions(access, input.mentions ?? comment.mentions);
    await this.deps.repo.edit(comment.id, body, mentions, this.deps.clock.now());
    const edited = (await this.deps.repo.find(access.workspace.id, commentId))!;
    // Only people mentioned for the first time are told.
    await this.tell(
      access,
      edited,
      mentions.filter((m) => !comment.mentions.includes(m)),
    );
    await this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      'comment.edited',
      { type: 'post', id: comment.postId },
      {
        commentId,
      },
    );
    return edited;
  }

  async remove(access: WorkspaceAccess, actor: Actor, commentId: string): Promise<void> {
    const comment = await this.deps.repo.find(access.workspace.id, commentId);
    if (!comment || comment.deletedAt) throw notFound('Comment');
    const own = actor.userId !== null && comment.authorId === actor.userId;
    if (!own && !access.permissions.includes('posts.publish')) {
      throw forbidden('Only its author, or someone who may publish, deletes a comment.');
    }
    await this.deps.repo.softDelete(comment.id, this.deps.clock.now());
    await this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      'comment.deleted',
      { type: 'post', id: comment.postId },
      {
        commentId,
      },
    );
  }

  private async tell(access: WorkspaceAccess, comment: PostComment, mentioned: string[]): Promise<void> {
    const recipients = mentioned.filter((id) => id !== comment.authorId);
    if (recipients.length === 0) return;
    const excerpt = comment.body.length > 200 ? `${comment.body.slice(0, 199)}…` : comment.body;
    await this.deps.notifications.notify(recipients, {
      workspaceId: access.workspace.id,
      type: 'post.mentioned',
      title: `${comment.authorName ?? 'Someone'} mentioned you in a comment`,
      body: excerpt,
      link: `/w/${access.workspace.id}/posts/${comment.postId}`,
      subjectId: comment.id,
    });
  }
}
