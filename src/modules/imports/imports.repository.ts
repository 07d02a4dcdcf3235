import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, ImportRowsTable, ImportsTable } from '../../db/schema.js';
import type { Layout } from './layouts.js';
import type { RowPlan, RowProblem } from './plan.js';

export type ImportStatus = 'previewed' | 'queued' | 'running' | 'finished';
export type RowStatus = 'invalid' | 'valid' | 'importing' | 'imported' | 'failed';

export interface Import {
  id: string;
  workspaceId: string;
  createdBy: string | null;
  permissions: string[];
  layout: Layout;
  fileName: string;
  checksum: string;
  /** The file's column names in file order. */
  columns: string[];
  channelId: string | null;
  dateFormat: string | null;
  status: ImportStatus;
  totalRows: number;
  validRows: number;
  doneRows: number;
  importedRows: number;
  failedRows: number;
  createdAt: Date;
  confirmedAt: Date | null;
  finishedAt: Date | null;
}

export interface ImportRow {
  row: number;
  status: RowStatus;
  cells: string[];
  plan: RowPlan | null;
  problems: RowProblem[];
  postId: string | null;
}

const toImport = (r: Selectable<ImportsTable>): Import => ({
  id: r.id,
  workspaceId: r.workspace_id,
  createdBy: r.created_by,
  permissions: r.permissions,
  layout: r.layout as Layout,
  fileName: r.file_name,
  checksum: r.checksum,
  columns: r.columns,
  channelId: r.channel_id,
  dateFormat: r.date_format,
  status: r.status as ImportStatus,
  totalRows: r.total_rows,
  validRows: r.valid_rows,
  doneRows: r.done_rows,
  importedRows: r.imported_rows,
  failedRows: r.failed_rows,
  createdAt: r.created_at,
  confirmedAt: r.confirmed_at,
  finishedAt: r.finished_at,
});

const toRow = (r: Selectable<ImportRowsTable>): ImportRow => ({
  row: r.row_number,
  status: r.status as RowStatus,
  cells: r.cells,
  plan: r.plan as unknown as RowPlan | null,
  problems: r.problems as RowProblem[],
  postId: r.post_id,
});

/** Rows are written in batches of this many (one statement each). */
const BATCH = 500;

export class ImportsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(
    imp: Omit<Import, 'doneRows' | 'importedRows' | 'failedRows' | 'confirmedAt' | 'finishedAt' | 'status'>,
    rows: readonly { row: number; cells: string[]; plan: RowPlan | null; problems: RowProblem[] }[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('imports')
        .values({
          id: imp.id,
          workspace_id: imp.workspaceId,
          created_by: imp.createdBy,
          permissions: JSON.stringify(imp.permissions),
          layout: imp.layout,
          file_name: imp.fileName,
          checksum: imp.checksum,
          columns: JSON.stringify(imp.columns),
          channel_id: imp.channelId,
          date_format: imp.dateFormat,
          status: 'previewed',
          total_rows: imp.totalRows,
          valid_rows: imp.validRows,
          created_at: imp.createdAt,
        })
        .execute();
      for (let i = 0; i < rows.length; i += BATCH) {
        await trx
          .insertInto('import_rows')
          .values(
            rows.slice(i, i + BATCH).map((r) => ({
              import_id: imp.id,
              row_number: r.row,
              status: r.plan ? 'valid' : 'invalid',
              cells: JSON.stringify(r.cells),
              plan: r.plan ? JSON.stringify(r.plan) : null,
              problems: JSON.stringify(r.problems),
            })),
          )
          .execute();
      }
    });
  }

  async find(workspaceId: string, id: string): Promise<Import | undefined> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toImport(row);
  }

  async byId(id: string): Promise<Import | undefined> {
    const row = await this.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toImport(row);
  }

  async list(workspaceId: string, limit: number): Promise<Import[]> {
    const rows = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toImport);
  }

  async rows(
    importId: string,
    query: { offset: number; limit: number; statuses?: readonly RowStatus[] | undefined },
  ): Promise<{ rows: ImportRow[]; total: number }> {
    let q = this.db.selectFrom('import_rows').where('import_id', '=', importId);
    if (query.statuses && query.statuses.length > 0) q = q.where('status', 'in', query.statuses);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('row_number').offset(query.offset).limit(query.limit).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows.map(toRow), total: Number(count.n) };
  }

  /** previewed → queued, once: a second confirmation finds nothing to change. */
  async markQueued(id: string, now: Date): Promise<boolean> {
    const done = await this.db
      .updateTable('imports')
      .set({ status: 'queued', confirmed_at: now })
      .where('id', '=', id)
      .where('status', '=', 'previewed')
      .returning('id')
      .executeTakeFirst();
    return !!done;
  }

  /** queued (or running, when a run was interrupted) → running. */
  async claimRun(id: string): Promise<Import | undefined> {
    const row = await this.db
      .updateTable('imports')
      .set({ status: 'running' })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row && toImport(row);
  }

  /** Rows in these states, in file order (all of them without a limit). */
  async pendingRows(importId: string, statuses: readonly RowStatus[], limit?: number): Promise<ImportRow[]> {
    let q = this.db
      .selectFrom('import_rows')
      .selectAll()
      .where('import_id', '=', importId)
      .where('status', 'in', statuses)
      .orderBy('row_number');
    if (limit !== undefined) q = q.limit(limit);
    return (await q.execute()).map(toRow);
  }

  /** valid → importing, once: false when another run took the row first. */
  async claimRow(importId: string, row: number): Promise<boolean> {
    const claimed = await this.db
      .updateTable('import_rows')
      .set({ status: 'importing' })
      .where('import_id', '=', importId)
      .where('row_number', '=', row)
      .where('status', '=', 'valid')
      .returning('row_number')
      .executeTakeFirst();
    return !!claimed;
  }

  async setRow(
    importId: string,
    row: number,
    change: { status: RowStatus; postId?: string | null; problems?: RowProblem[] },
  ): Promise<void> {
    await this.db
      .updateTable('import_rows')
      .set({
        status: change.status,
        ...(change.postId !== undefined ? { post_id: change.postId } : {}),
        ...(change.problems ? { problems: JSON.stringify(change.problems) } : {}),
      })
      .where('import_id', '=', importId)
      .where('row_number', '=', row)
      .execute();
  }

  /** Deletes imports created before `cutoff` that are not queued or running (their rows go with them). */
  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    const deleted = await this.db
      .deleteFrom('imports')
      .where('created_at', '<', cutoff)
      .where('status', 'in', ['previewed', 'finished'])
      .returning('id')
      .execute();
    return deleted.length;
  }

  /** Recounts the rows done so far (imported and failed) into the import's progress. */
  async refreshProgress(id: string, finishedAt?: Date): Promise<Import> {
    const row = await this.db
      .updateTable('imports')
      .set({
        imported_rows: sql<number>`(SELECT count(*) FROM import_rows WHERE import_id = ${id} AND status = 'imported')::int`,
        failed_rows: sql<number>`(SELECT count(*) FROM import_rows WHERE import_id = ${id} AND status = 'failed')::int`,
        done_rows: sql<number>`(SELECT count(*) FROM import_rows WHERE import_id = ${id} AND status IN ('imported', 'failed'))::int`,
        ...(finishedAt ? { status: 'finished', finished_at: finishedAt } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toImport(row);
  }
}
