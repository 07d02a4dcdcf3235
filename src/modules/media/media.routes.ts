import { Readable } from 'node:stream';
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import { workspaceParams } from '../../http/dto.js';
import { defineRoute, FileReply } from '../../http/route.js';
import { ALT_MAX, TAGS_MAX, TAG_MAX, type MediaAsset } from './media.service.js';

const mediaParams = z.strictObject({ workspaceId: z.uuid(), mediaId: z.uuid() });

const MediaDto = z.object({
  id: z.uuid(),
  kind: z.enum(['image', 'video']),
  mimeType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
  filename: z.string(),
  alt: z.string(),
  tags: z.array(z.string()),
  sourceUrl: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Where the member's browser reads the file and thumbnail (same session or token). */
  fileUrl: z.string(),
  thumbnailUrl: z.string().nullable(),
});

const base = (a: MediaAsset) => `/api/v1/workspaces/${a.workspaceId}/media/${a.id}`;
export const toMediaDto = (a: MediaAsset) => ({
  id: a.id,
  kind: a.kind,
  mimeType: a.mimeType,
  bytes: a.bytes,
  width: a.width,
  height: a.height,
  durationSeconds: a.durationMs === null ? null : a.durationMs / 1000,
  filename: a.filename,
  alt: a.alt,
  tags: a.tags,
  sourceUrl: a.sourceUrl,
  createdBy: a.createdBy,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  fileUrl: `${base(a)}/file`,
  thumbnailUrl: a.thumbnailKey ? `${base(a)}/thumbnail` : null,
});

const Alt = z.string().max(ALT_MAX * 2);
const Tags = z.array(z.string().max(TAG_MAX)).max(TAGS_MAX);
const MediaUse = z.strictObject({ assetId: z.uuid(), alt: Alt.optional() });

/** A header value for a file name: an ASCII fallback and the exact name (RFC 6266, RFC 8187). */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Files are shown, never run: nothing in them may load or execute anything. */
const FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox; frame-ancestors 'self'";

export function fileReply(
  file: {
    stream: Readable;
    size: number;
    contentType: string;
    filename: string;
    range?: { start: number; end: number; total: number } | null;
  },
  download: boolean,
  rangeable: boolean,
) {
  const range = file.range;
  return new FileReply(
    Readable.toWeb(file.stream) as ReadableStream<Uint8Array>,
    {
      'Content-Type': file.contentType,
      'Content-Length': String(file.size),
      ...(rangeable ? { 'Accept-Ranges': 'bytes' } : {}),
      ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${range.total}` } : {}),
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': disposition(download ? 'attachment' : 'inline', file.filename),
      'Content-Security-Policy': FILE_CSP,
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'private, max-age=300',
    },
    range ? 206 : 200,
  );
}

const tagList = z
  .string()
  .max(2000)
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  );

export const mediaRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/media',
    summary:
      'Upload a file to the media library: the body is the file itself (any Content-Type; the content decides), the name in ?filename= or an X-Filename header (URL-encoded). JPEG, PNG, GIF, WebP, MP4 and MOV are accepted, up to MEDIA_MAX_BYTES',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.manage' },
    params: workspaceParams,
    query: z.strictObject({
      filename: z.string().max(1000).optional(),
      alt: Alt.optional(),
      tags: tagList.optional().describe('Comma-separated'),
    }),
    rawBody: { description: 'The file’s bytes, streamed; the limit is enforced while they arrive.' },
    response: { status: 201, schema: z.object({ asset: MediaDto }) },
    async handler({ access, actor, query, raw, services }) {
      let headerName: string | undefined;
      const header = raw?.header('x-filename');
      if (header !== undefined) {
        try {
          headerName = decodeURIComponent(header);
        } catch {
          throw invalid(
            'The X-Filename header is not valid URL-encoding; encode the name with encodeURIComponent.',
          );
        }
      }
      const length = raw?.header('content-length');
      const asset = await services.media.uploads.upload(access, actor, {
        filename: query.filename ?? headerName,
        alt: query.alt,
        tags: query.tags,
        body: raw?.body ?? [],
        declaredBytes: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
      });
      return { asset: toMediaDto(asset) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/media/import',
    summary:
      'Import a file into the media library from a URL (fetched by Chorus with the same checks as an upload)',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.manage' },
    params: workspaceParams,
    body: z.strictObject({
      url: z.url({ protocol: /^https?$/ }).max(2000),
      alt: Alt.optional(),
      tags: Tags.optional(),
    }),
    response: { status: 201, schema: z.object({ asset: MediaDto }) },
    async handler({ access, actor, body, services }) {
      const asset = await services.media.uploads.importFromUrl(access, actor, body.url, {
        alt: body.alt,
        tags: body.tags,
      });
      return { asset: toMediaDto(asset) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/media',
    summary:
      'The media library, newest first: search file names, alt text and tags (q), filter by tag or kind; with every tag in use',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.read' },
    params: workspaceParams,
    query: z.strictObject({
      q: z.string().max(200).optional(),
      tag: z.string().max(TAG_MAX).optional(),
      kind: z.enum(['image', 'video']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(60),
      before: z.string().max(200).optional().describe('nextCursor of the previous page'),
    }),
    response: {
      status: 200,
      schema: z.object({
        assets: z.array(MediaDto),
        nextCursor: z.string().nullable(),
        tags: z.array(z.object({ tag: z.string(), count: z.number().int() })),
      }),
    },
    async handler({ access, query, services }) {
      const page = await services.media.list(access, query);
      return { assets: page.assets.map(toMediaDto), nextCursor: page.nextCursor, tags: page.tags };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/media/check',
    summary:
      "Check media against channels' declared limits without saving anything (the composer's live check): one list of located problems per channel",
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.read' },
    params: workspaceParams,
    body: z.strictObject({
      channels: z
        .array(z.strictObject({ channelId: z.uuid(), media: z.array(MediaUse).max(50) }))
        .min(1)
        .max(50),
    }),
    response: {
      status: 200,
      schema: z.object({
        ok: z.boolean(),
        channels: z.array(
          z.object({
            channelId: z.uuid(),
            channel: z.string(),
            issues: z.array(
              z.object({
                index: z.number().int().nullable(),
                assetId: z.uuid().nullable(),
                message: z.string(),
              }),
            ),
          }),
        ),
      }),
    },
    async handler({ access, body, services }) {
      const channels = await services.media.check(access, body.channels);
      return { ok: channels.every((c) => c.issues.length === 0), channels };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/media/:mediaId',
    summary: 'One media asset',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.read' },
    params: mediaParams,
    response: { status: 200, schema: z.object({ asset: MediaDto }) },
    async handler({ access, params, services }) {
      return { asset: toMediaDto(await services.media.get(access, params.mediaId)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/media/:mediaId',
    summary: 'Change the alt text, tags or display name of a media asset',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.manage' },
    params: mediaParams,
    body: z.strictObject({
      alt: Alt.optional(),
      tags: Tags.optional(),
      filename: z.string().min(1).max(200).optional(),
    }),
    response: { status: 200, schema: z.object({ asset: MediaDto }) },
    async handler({ access, actor, params, body, services }) {
      return { asset: toMediaDto(await services.media.update(access, actor, params.mediaId, body)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/media/:mediaId',
    summary: 'Delete a media asset and its files; refused while a post still to be published uses it',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.manage' },
    params: mediaParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.media.remove(access, actor, params.mediaId);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/media/:mediaId/file',
    summary:
      'The stored file, with its sniffed type (?download=1 to save it rather than show it); a single Range (bytes=…) answers 206 with that part',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.read' },
    params: mediaParams,
    query: z.strictObject({ download: z.enum(['0', '1']).optional() }),
    requestHeaders: true,
    response: { status: 200, file: { description: 'The file' } },
    async handler({ access, params, query, raw, services }) {
      return fileReply(
        await services.media.open(access, params.mediaId, 'original', raw?.header('range')),
        query.download === '1',
        true,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/media/:mediaId/thumbnail',
    summary: 'A WebP thumbnail of an image (at most 320 × 320 pixels)',
    tag: 'media',
    auth: { kind: 'workspace', permission: 'media.read' },
    params: mediaParams,
    response: { status: 200, file: { description: 'The thumbnail (image/webp)' } },
    async handler({ access, params, services }) {
      return fileReply(await services.media.open(access, params.mediaId, 'thumbnail'), false, false);
    },
  }),
];
