import type { Logger } from 'pino';
import { daysAgo, type Clock } from '../../core/clock.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { EgressPolicy } from '../../egress/safe-fetch.js';
import type { JobSender } from '../../jobs/queue.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Actor } from '../audit/audit.service.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { Permission } from '../members/permissions.js';
import type { PostInput, PostsService } from '../publishing/posts.service.js';
import type { WorkspaceAccess, WorkspacesService } from '../workspaces/workspaces.service.js';
import { readCsv, type CsvRecord, type CsvSource } from './csv.js';
import {
  detectLayout,
  HOOTSUITE_COLUMNS,
  inferHootsuiteDateFormat,
  type HootsuiteDateFormat,
} from './layouts.js';
import type { Import, ImportRow, ImportsRepository, RowStatus } from './imports.repository.js';
import type { MediaSource } from './media-source.js';
import { HostChecker, mediaIdsIn, planRow, type RowPlan, type RowProblem } from './plan.js';

export type { Import, ImportRow };

export interface PreviewInput {
  fileName: string;
  source: CsvSource;
  /** Hootsuite files: the channel every row goes to. */
  channelId?: string | undefined;
  /** Hootsuite files: the date order the file uses; inferred from the dates when they leave no doubt. */
  dateFormat?: HootsuiteDateFormat | undefined;
}

/** A confirmed preview older than this is refused: its times and checks may no longer hold. */
const PREVIEW_VALID_MS = 24 * 3_600_000;
/** How long an import (its checked rows, problems and outcome) is kept. */
const RETENTION_DAYS = 30;
/** Rows imported between two progress updates. */
const PROGRESS_EVERY = 25;

/** A located reason a row could not be imported. */
class RowFailure extends Error {
  constructor(readonly problem: RowProblem) {
    super(problem.message);
  }
}

/** A post as an import row creates it: per channel, the media and first comment too. */
type ImportedPostInput = Omit<PostInput, 'channels'> & {
  channels: (PostInput['channels'][number] & {
    media?: { assetId: string }[];
    firstComment?: string;
  })[];
};

/**
 * Bulk CSV import (docs/import.md). `preview` reads a file, checks every row and keeps what each valid row
 * will create under an import id; nothing else is written. `confirm` queues the import job, which creates
 * exactly those rows, each on its own (a post with its variants, or nothing), through `PostsService.create`.
 */
export class ImportsService {
  constructor(
    private readonly deps: {
      repo: ImportsRepository;
      posts: PostsService;
      channels: ChannelsService;
      workspaces: WorkspacesService;
      /** The media library; null while this Chorus has none (media cells are then refused). */
      media: MediaSource | null;
      jobs: JobSender;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

  async preview(access: WorkspaceAccess, actor: Actor, input: PreviewInput): Promise<Import> {
    const { records: stream, checksum } = readCsv(input.source);
    const records: CsvRecord[] = [];
    for await (const r of stream) records.push(r);
    const first = records[0];
    if (!first) throw invalid('The file has no rows. Upload a CSV file with one row per post.');
    const layout = detectLayout(first.cells);
    const dataRows = layout.layout === 'chorus' || layout.hasHeader ? records.slice(1) : records;
    if (dataRows.length === 0) {
      throw invalid('The file has a header row but no posts. Add one row per post below the header.');
    }
    const channels = await this.deps.channels.list(access);
    let channel: Channel | undefined;
    let dateFormat: HootsuiteDateFormat | undefined;
    if (layout.layout === 'hootsuite') {
      if (!input.channelId) {
        throw invalid(
          'This is a Hootsuite bulk composer file, which does not name channels: choose the channel to import it to.',
          { layout: 'hootsuite', missing: 'channelId' },
        );
      }
      channel = channels.find((c) => c.id === input.channelId);
      if (!channel) throw invalid(`Channel ${input.channelId} is not a channel of this workspace.`);
      if (channel.status === 'disconnected') {
        throw invalid(
          `${channel.name} is disconnected: reconnect it in Settings → Channels, or choose another.`,
        );
      }
      dateFormat = input.dateFormat ?? inferHootsuiteDateFormat(dataRows.map((r) => r.cells[0] ?? ''));
    } else if (input.channelId) {
      throw invalid('This file names its channels in its channel column; choose no channel for it.');
    }
    const mediaIds = mediaIdsIn(dataRows, layout);
    const assets =
      this.deps.media && mediaIds.length > 0
        ? await this.deps.media.find(access, mediaIds)
        : new Map<string, { mimeType: string; bytes: number }>();
    const hosts = new HostChecker(this.deps.egress);
    const now = this.deps.clock.now();
    const context = {
      layout,
      channels,
      channel,
      dateFormat,
      timeZone: access.workspace.timezone,
      now,
      egress: this.deps.egress,
      assets,
      mediaAvailable: this.deps.media !== null,
      mayImportMedia: access.permissions.includes('media.manage'),
    };
    const rows: { row: number; cells: string[]; plan: RowPlan | null; problems: RowProblem[] }[] = [];
    for (const record of dataRows) {
      const result = await planRow(record, context, hosts);
      rows.push({ row: record.row, cells: record.cells, plan: result.plan, problems: result.problems });
    }
    const id = newId();
    const columns =
      layout.layout === 'chorus'
        ? layout.headers
        : HOOTSUITE_COLUMNS.slice(0, Math.max(...dataRows.map((r) => r.cells.length), 2));
    await this.deps.repo.insert(
      {
        id,
        workspaceId: access.workspace.id,
        createdBy: actor.userId,
        permissions: [...access.permissions],
        layout: layout.layout,
        fileName: input.fileName.slice(0, 255),
        checksum: checksum(),
        columns: [...columns],
        channelId: channel?.id ?? null,
        dateFormat: dateFormat ?? null,
        totalRows: rows.length,
        validRows: rows.filter((r) => r.plan).length,
        createdAt: now,
      },
      rows,
    );
    return (await this.deps.repo.find(access.workspace.id, id))!;
  }

  async get(access: WorkspaceAccess, importId: string): Promise<Import> {
    const found = await this.deps.repo.find(access.workspace.id, importId);
    if (!found) throw notFound('Import');
    return found;
  }

  list(access: WorkspaceAccess, limit = 20): Promise<Import[]> {
    return this.deps.repo.list(access.workspace.id, limit);
  }

  async rows(
    access: WorkspaceAccess,
    importId: string,
    query: { offset: number; limit: number; statuses?: readonly RowStatus[] | undefined },
  ): Promise<{ rows: ImportRow[]; total: number }> {
    await this.get(access, importId);
    return this.deps.repo.rows(importId, query);
  }

  /**
   * Imports the valid rows of a preview: queues the import job (`queue: false` leaves running it to the
   * caller, as the command line does). A preview is confirmed once.
   */
  async confirm(
    access: WorkspaceAccess,
    importId: string,
    options: { queue?: boolean } = {},
  ): Promise<Import> {
    const found = await this.get(access, importId);
    if (found.status !== 'previewed') {
      throw conflict(`This import was already confirmed (it is ${found.status}).`);
    }
    const now = this.deps.clock.now();
    if (now.getTime() - found.createdAt.getTime() > PREVIEW_VALID_MS) {
      throw conflict('This preview is more than a day old: upload the file again to check it anew.');
    }
    if (found.validRows === 0) {
      throw invalid('Nothing to import: every row has problems. Fix them in the file and upload it again.');
    }
    if (!(await this.deps.repo.markQueued(importId, now))) {
      throw conflict('This import was already confirmed.');
    }
    if (options.queue !== false) await this.deps.jobs.send('imports.run.v1', { importId });
    return this.get(access, importId);
  }

  /**
   * The import job: creates every valid row not yet done, each on its own, recording its post or why it
   * failed, and the progress as it goes. Run again after an interruption, it continues where it stopped; a
   * row caught mid-way is reported, never created twice.
   */
  async run(
    importId: string,
    options: { access?: WorkspaceAccess; actor?: Actor; onProgress?: (imp: Import) => void } = {},
  ): Promise<Import | undefined> {
    const imp = await this.deps.repo.claimRun(importId);
    if (!imp) return undefined;
    const access = options.access ?? (await this.accessFor(imp));
    const actor: Actor = options.actor ?? {
      userId: imp.createdBy,
      tokenId: null,
      ip: null,
      userAgent: 'chorus-import',
    };
    // Rows an earlier run left half-done may or may not have their post: reported, never created twice.
    for (const row of await this.deps.repo.pendingRows(importId, ['importing'])) {
      await this.deps.repo.setRow(importId, row.row, {
        status: 'failed',
        problems: [
          {
            column: null,
            message: 'The import was interrupted while this row was being created.',
            fix: 'Check the posts list: if the post is not there, import this row again.',
          },
        ],
      });
    }
    let sinceUpdate = 0;
    for (;;) {
      const batch = await this.deps.repo.pendingRows(importId, ['valid'], 100);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (!row.plan) {
          await this.deps.repo.setRow(importId, row.row, {
            status: 'failed',
            problems: [{ column: null, message: 'This row has nothing to import.', fix: 'Check the file.' }],
          });
          continue;
        }
        if (!access) {
          await this.deps.repo.setRow(importId, row.row, {
            status: 'failed',
            problems: [
              {
                column: null,
                message: 'The person who started this import may no longer create posts in this workspace.',
                fix: 'Ask someone who may create posts to import the file.',
              },
            ],
          });
          continue;
        }
        // A run re-started while an earlier one still goes (a job past its expiry) never takes a row twice.
        if (!(await this.deps.repo.claimRow(importId, row.row))) continue;
        try {
          const postId = await this.importRow(imp, row.plan, access, actor);
          await this.deps.repo.setRow(importId, row.row, { status: 'imported', postId });
        } catch (error) {
          const problem =
            error instanceof RowFailure
              ? error.problem
              : error instanceof AppError && error.code !== 'internal'
                ? { column: null, message: error.message, fix: 'Fix the row and import it again.' }
                : null;
          if (!problem) {
            this.deps.logger.error(
              { err: (error as Error).message, importId, row: row.row },
              'import row failed',
            );
          }
          await this.deps.repo.setRow(importId, row.row, {
            status: 'failed',
            problems: [
              problem ?? {
                column: null,
                message: 'Chorus could not create this post (an unexpected error).',
                fix: 'Try importing this row again.',
              },
            ],
          });
        }
        if (++sinceUpdate >= PROGRESS_EVERY) {
          sinceUpdate = 0;
          options.onProgress?.(await this.deps.repo.refreshProgress(importId));
        }
      }
    }
    const done = await this.deps.repo.refreshProgress(importId, this.deps.clock.now());
    options.onProgress?.(done);
    return done;
  }

  /** Retention: imports older than 30 days leave (not while queued or running); their posts stay. */
  deleteOld(): Promise<number> {
    return this.deps.repo.deleteCreatedBefore(daysAgo(this.deps.clock, RETENTION_DAYS));
  }

  /** The creator's current access, narrowed to the permissions the import was previewed with. */
  private async accessFor(imp: Import): Promise<WorkspaceAccess | undefined> {
    if (!imp.createdBy) return undefined;
    const access = await this.deps.workspaces.accessOf(imp.createdBy, imp.workspaceId);
    if (!access) return undefined;
    const permissions = access.permissions.filter((p) => imp.permissions.includes(p));
    if (!permissions.includes('posts.write' satisfies Permission)) return undefined;
    return { ...access, permissions };
  }

  private async importRow(
    imp: Import,
    plan: RowPlan,
    access: WorkspaceAccess,
    actor: Actor,
  ): Promise<string> {
    const timeColumn = imp.layout === 'hootsuite' ? 'date' : 'time';
    if (plan.scheduledAt && new Date(plan.scheduledAt).getTime() <= this.deps.clock.now().getTime()) {
      throw new RowFailure({
        column: timeColumn,
        message: `The time ${plan.scheduledAt} has passed since the preview.`,
        fix: 'Give a time in the future and import the row again.',
      });
    }
    const media: { assetId: string }[] = [];
    for (const ref of plan.media) {
      if ('assetId' in ref) {
        media.push({ assetId: ref.assetId });
        continue;
      }
      if (!this.deps.media) {
        throw new RowFailure({
          column: 'media',
          message: 'This Chorus has no media library, so media cannot be attached.',
          fix: 'Leave the media column empty.',
        });
      }
      const asset = await this.deps.media.fromUrl(access, actor, ref.url).catch((error: unknown) => {
        throw new RowFailure({
          column: 'media',
          message: `${ref.url}: ${(error as Error).message}`,
          fix: 'Use a public address of an image or video within the size limit, or upload the file to the media library and use its id.',
        });
      });
      for (const channel of plan.channels) {
        const limits = isNetworkId(channel.network) ? networkDefinition(channel.network).limits : undefined;
        if (!limits) continue;
        if (!limits.media.types.includes(asset.mimeType)) {
          throw new RowFailure({
            column: 'media',
            message: `${ref.url} is ${asset.mimeType}, which ${channel.name} does not accept.`,
            fix: `Use ${limits.media.types.join(', ') || 'no media'} for ${channel.name}.`,
          });
        }
        if (asset.bytes > limits.media.maxBytes) {
          throw new RowFailure({
            column: 'media',
            message: `${ref.url} is ${asset.bytes} bytes; ${channel.name} takes at most ${limits.media.maxBytes}.`,
            fix: 'Use a smaller file.',
          });
        }
      }
      media.push({ assetId: asset.id });
    }
    const input: ImportedPostInput = {
      body: plan.text,
      channels: plan.channels.map((c) => ({
        channelId: c.id,
        ...(media.length > 0 ? { media } : {}),
        ...(plan.firstComment ? { firstComment: plan.firstComment } : {}),
      })),
      ...(plan.schedule ? { schedule: plan.schedule } : {}),
      ...(plan.tags.length > 0 ? { tags: plan.tags } : {}),
      ...(plan.campaign ? { campaign: plan.campaign } : {}),
    };
    const view = await this.deps.posts.create(access, actor, input);
    return view.post.id;
  }
}
