import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { olderThan } from '../../db/keyset.js';
import type { MediaKind } from './inspect.js';

export interface MediaAsset {
  id: string;
  workspaceId: string;
  kind: MediaKind;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  filename: string;
  alt: string;
  tags: string[];
  storageKey: string;
  thumbnailKey: string | null;
  sourceUrl: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const toAsset = (r: {
  id: string;
  workspace_id: string;
  kind: MediaKind;
  mime_type: string;
  byte_size: string | number | bigint;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  filename: string;
  alt_text: string;
  tags: string[];
  storage_key: string;
  thumbnail_key: string | null;
  source_url: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}): MediaAsset => ({
  id: r.id,
  workspaceId: r.workspace_id,
  kind: r.kind,
  mimeType: r.mime_type,
  bytes: Number(r.byte_size),
  width: r.width,
  height: r.height,
  durationMs: r.duration_ms,
  filename: r.filename,
  alt: r.alt_text,
  tags: r.tags,
  storageKey: r.storage_key,
  thumbnailKey: r.thumbnail_key,
  sourceUrl: r.source_url,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** `%` and `_` match themselves in a search, not "anything". */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Delivery states in which a post still has to send its media. */
export const WAITING_FOR_MEDIA = ['scheduled', 'sending', 'paused', 'unconfirmed'] as const;

export class MediaRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(a: Omit<MediaAsset, 'createdAt' | 'updatedAt'>, now: Date): Promise<MediaAsset> {
    const row = await this.db
      .insertInto('media_assets')
      .values({
        id: a.id,
        workspace_id: a.workspaceId,
        kind: a.kind,
        mime_type: a.mimeType,
        byte_size: a.bytes,
        width: a.width,
        height: a.height,
        duration_ms: a.durationMs,
        filename: a.filename,
        alt_text: a.alt,
        tags: JSON.stringify(a.tags),
        storage_key: a.storageKey,
        thumbnail_key: a.thumbnailKey,
        source_url: a.sourceUrl,
        created_by: a.createdBy,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAsset(row);
  }

  async find(workspaceId: string, id: string): Promise<MediaAsset | undefined> {
    const row = await this.db
      .selectFrom('media_assets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAsset(row);
  }

  async findMany(workspaceId: string, ids: readonly string[]): Promise<MediaAsset[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('media_assets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toAsset);
  }

  /** Newest first; `q` searches file name, alt text and tags; `tag` keeps assets carrying that tag. */
  async list(
    workspaceId: string,
    options: {
      limit: number;
      q?: string | undefined;
      tag?: string | undefined;
      kind?: MediaKind | undefined;
      before?: { createdAt: Date; id: string } | undefined;
    },
  ): Promise<MediaAsset[]> {
    let q = this.db.selectFrom('media_assets').selectAll().where('workspace_id', '=', workspaceId);
    if (options.q) {
      const pattern = `%${likeEscape(options.q)}%`;
      q = q.where((w) =>
        w.or([
          w('filename', 'ilike', pattern),
          w('alt_text', 'ilike', pattern),
          w(sql<string>`tags::text`, 'ilike', pattern),
        ]),
      );
    }
    if (options.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([options.tag])}::jsonb`);
    if (options.kind) q = q.where('kind', '=', options.kind);
    if (options.before) q = q.where(olderThan(options.before));
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toAsset);
  }

  /** Every tag used in the workspace, with how many assets carry it. */
  async tags(workspaceId: string): Promise<{ tag: string; count: number }[]> {
    const { rows } = await sql<{ tag: string; count: string | number }>`
      SELECT t.tag, count(*) AS count
      FROM media_assets AS m, jsonb_array_elements_text(m.tags) AS t(tag)
      WHERE m.workspace_id = ${workspaceId}
      GROUP BY t.tag ORDER BY t.tag`.execute(this.db);
    return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
  }

  async update(
    workspaceId: string,
    id: string,
    changes: { alt?: string | undefined; tags?: string[] | undefined; filename?: string | undefined },
    now: Date,
  ): Promise<MediaAsset | undefined> {
    const row = await this.db
      .updateTable('media_assets')
      .set({
        ...(changes.alt !== undefined ? { alt_text: changes.alt } : {}),
        ...(changes.tags !== undefined ? { tags: JSON.stringify(changes.tags) } : {}),
        ...(changes.filename !== undefined ? { filename: changes.filename } : {}),
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toAsset(row);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('media_assets')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Posts whose deliveries still have to send this asset (scheduled, sending, held or being settled). */
  async waitingUses(
    workspaceId: string,
    assetId: string,
  ): Promise<{ postId: string; state: string; dueAt: Date; body: string }[]> {
    return this.db
      .selectFrom('deliveries as d')
      .innerJoin('post_variants as v', 'v.id', 'd.variant_id')
      .innerJoin('posts as p', 'p.id', 'd.post_id')
      .select(['d.post_id as postId', 'd.state', 'd.due_at as dueAt', 'p.body'])
      .where('d.workspace_id', '=', workspaceId)
      .where('d.state', 'in', [...WAITING_FOR_MEDIA])
      .where('p.deleted_at', 'is', null)
      .where(sql<boolean>`v.media @> ${JSON.stringify([{ assetId }])}::jsonb`)
      .orderBy('d.due_at')
      .execute();
  }
}
