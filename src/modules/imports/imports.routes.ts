import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import { HOOTSUITE_DATE_FORMATS } from './layouts.js';
import type { Import, ImportRow } from './imports.service.js';

/** The largest CSV file the API takes (the command line reads files of any size). */
export const MAX_IMPORT_BODY_BYTES = 20 * 1024 * 1024;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const ImportDto = z.object({
  id: z.uuid(),
  fileName: z.string(),
  layout: z.enum(['chorus', 'hootsuite']),
  checksum: z.string(),
  columns: z.array(z.string()),
  channelId: z.uuid().nullable(),
  dateFormat: z.string().nullable(),
  status: z.enum(['previewed', 'queued', 'running', 'finished']),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  invalidRows: z.number().int(),
  doneRows: z.number().int(),
  importedRows: z.number().int(),
  failedRows: z.number().int(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
const toImportDto = (i: Import) => ({
  id: i.id,
  fileName: i.fileName,
  layout: i.layout,
  checksum: i.checksum,
  columns: i.columns,
  channelId: i.channelId,
  dateFormat: i.dateFormat,
  status: i.status,
  totalRows: i.totalRows,
  validRows: i.validRows,
  invalidRows: i.totalRows - i.validRows,
  doneRows: i.doneRows,
  importedRows: i.importedRows,
  failedRows: i.failedRows,
  createdAt: i.createdAt.toISOString(),
  confirmedAt: iso(i.confirmedAt),
  finishedAt: iso(i.finishedAt),
});

const ProblemDto = z.object({ column: z.string().nullable(), message: z.string(), fix: z.string() });
const RowDto = z.object({
  row: z.number().int(),
  status: z.enum(['invalid', 'valid', 'importing', 'imported', 'failed']),
  cells: z.array(z.string()),
  problems: z.array(ProblemDto),
  plan: z
    .object({
      channels: z.array(z.object({ id: z.uuid(), name: z.string(), network: z.string() })),
      text: z.string(),
      media: z.array(z.object({ assetId: z.string().optional(), url: z.string().optional() })),
      when: z.enum(['draft', 'queue', 'scheduled']),
      scheduledAt: z.string().nullable(),
      firstComment: z.string().nullable(),
      tags: z.array(z.string()),
      campaign: z.string().nullable(),
    })
    .nullable(),
  postId: z.uuid().nullable(),
});
const toRowDto = (r: ImportRow) => ({
  row: r.row,
  status: r.status,
  cells: r.cells,
  problems: r.problems,
  plan: r.plan && {
    channels: r.plan.channels,
    text: r.plan.text,
    media: r.plan.media,
    when: !r.plan.schedule ? 'draft' : 'queue' in r.plan.schedule ? 'queue' : 'scheduled',
    scheduledAt: r.plan.scheduledAt,
    firstComment: r.plan.firstComment,
    tags: r.plan.tags,
    campaign: r.plan.campaign,
  },
  postId: r.postId,
});

const importParams = z.strictObject({ workspaceId: z.uuid(), importId: z.uuid() });

export const importRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/imports',
    summary:
      'Check a CSV file of posts (the Chorus layout or a Hootsuite bulk file) without importing anything: every row with its problems, kept under an import id for confirming',
    tag: 'imports',
    auth: { kind: 'workspace', permission: 'posts.write' },
    // A file of thousands of rows is several megabytes once quoted into JSON.
    maxBodyBytes: MAX_IMPORT_BODY_BYTES,
    params: workspaceParams,
    body: z.strictObject({
      fileName: z.string().trim().min(1).max(255),
      csv: z.string().min(1).max(MAX_IMPORT_BODY_BYTES).describe('The file’s text (UTF-8)'),
      channelId: z.uuid().optional().describe('Hootsuite files: the channel every row goes to'),
      dateFormat: z
        .enum(HOOTSUITE_DATE_FORMATS)
        .optional()
        .describe('Hootsuite files: the date order; inferred when the dates leave no doubt'),
    }),
    response: { status: 201, schema: z.object({ import: ImportDto }) },
    async handler({ access, body, services, actor }) {
      const created = await services.imports.preview(access, actor, {
        fileName: body.fileName,
        source: body.csv,
        channelId: body.channelId,
        dateFormat: body.dateFormat,
      });
      return { import: toImportDto(created) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/imports',
    summary: 'Recent imports, newest first',
    tag: 'imports',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ imports: z.array(ImportDto) }) },
    async handler({ access, services }) {
      return { imports: (await services.imports.list(access)).map(toImportDto) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/imports/:importId',
    summary: 'One import: its rows counted by outcome, and its progress (rows done of valid rows)',
    tag: 'imports',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: importParams,
    response: { status: 200, schema: z.object({ import: ImportDto }) },
    async handler({ access, params, services }) {
      return { import: toImportDto(await services.imports.get(access, params.importId)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/imports/:importId/rows',
    summary:
      'The rows of an import in file order: the fields as written, what each creates, its problems (column, what is wrong, how to fix it) and, once imported, its post',
    tag: 'imports',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: importParams,
    query: z.strictObject({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      status: z
        .enum(['invalid', 'valid', 'imported', 'failed', 'problems'])
        .optional()
        .describe('problems: rows that are invalid or failed'),
    }),
    response: {
      status: 200,
      schema: z.object({ rows: z.array(RowDto), total: z.number().int() }),
    },
    async handler({ access, params, query, services }) {
      const statuses =
        query.status === 'problems'
          ? (['invalid', 'failed'] as const)
          : query.status
            ? [query.status]
            : undefined;
      const page = await services.imports.rows(access, params.importId, {
        offset: query.offset,
        limit: query.limit,
        statuses,
      });
      return { rows: page.rows.map(toRowDto), total: page.total };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/imports/:importId/confirm',
    summary:
      'Import the valid rows of a checked file, exactly as previewed, as a job; poll the import for progress',
    tag: 'imports',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: importParams,
    response: { status: 200, schema: z.object({ import: ImportDto }) },
    async handler({ access, params, services }) {
      return { import: toImportDto(await services.imports.confirm(access, params.importId)) };
    },
  }),
];
