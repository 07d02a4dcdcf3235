import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface PostComment {
  id: string;
  workspaceId: string;
  postId: string;
  channelId: string | null;
  parentId: string | null;
  authorId: string | null;
  /** The member's name, or for someone without an account (an approval link) the name they gave. */
  authorName: string | null;
  body: string;
  mentions: string[];
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** Comments on posts. */
export class CommentsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private select() {
    return this.db
      .selectFrom('post_comments as c')
      .leftJoin('users as u', 'u.id', 'c.author_id')
      .select([
        'c.id',
        'c.workspace_id as workspaceId',
        'c.post_id as postId',
        'c.channel_id as channelId',
        'c.parent_id as parentId',
        'c.author_id as authorId',
        (eb) => eb.fn.coalesce('u.name', 'c.external_author').as('authorName'),
        'c.body',
        'c.mentions',
        'c.created_at as createdAt',
        'c.edited_at as editedAt',
        'c.deleted_at as deletedAt',
      ]);
  }

  async forPost(postId: string): Promise<PostComment[]> {
    return this.select().where('c.post_id', '=', postId).orderBy('c.created_at').orderBy('c.id').execute();
  }

  async find(workspaceId: string, id: string): Promise<PostComment | undefined> {
    return this.select().where('c.workspace_id', '=', workspaceId).where('c.id', '=', id).executeTakeFirst();
  }

  async insert(c: {
    id: string;
    workspaceId: string;
    postId: string;
    channelId: string | null;
    parentId: string | null;
    authorId: string | null;
    /** Someone without an account, commenting through an approval link. */
    externalAuthor?: string | null;
    body: string;
    mentions: string[];
    now: Date;
  }): Promise<void> {
    await this.db
      .insertInto('post_comments')
      .values({
        id: c.id,
        workspace_id: c.workspaceId,
        post_id: c.postId,
        channel_id: c.channelId,
        parent_id: c.parentId,
        author_id: c.authorId,
        external_author: c.externalAuthor ?? null,
        body: c.body,
        mentions: JSON.stringify(c.mentions),
        created_at: c.now,
      })
      .execute();
  }

  async edit(id: string, body: string, mentions: string[], now: Date): Promise<void> {
    await this.db
      .updateTable('post_comments')
      .set({ body, mentions: JSON.stringify(mentions), edited_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Keeps the comment's place in its thread; its text and mentions are gone. */
  async softDelete(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('post_comments')
      .set({ body: '', mentions: '[]', deleted_at: now })
      .where('id', '=', id)
      .execute();
  }
}
