import { validateAgainstLimits, type MediaItem, type Publisher, type PublishRequest } from '../contract.js';
import { NetworkError } from '../errors.js';
import type { MastodonClient } from './client.js';
import { multipartBody } from './multipart.js';
import { MediaAttachment, Status, parseBody } from './schemas.js';
import { htmlToText } from './text.js';
import { MastodonPostOptions, mastodonRules } from './options.js';

export { MastodonPostOptions };

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
};
const PROCESSING_POLLS = 60;
const PROCESSING_WAIT_MS = 1000;
const refuse = (message: string) => new NetworkError('mastodon', 'invalid_content', message);
const statusPath = (id: string) => `/api/v1/statuses/${encodeURIComponent(id)}`;

function parseOptions(input: unknown): MastodonPostOptions {
  const parsed = MastodonPostOptions.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw refuse(`Mastodon post option ${issue?.path.join('.') || ''} is not valid: ${issue?.message ?? ''}.`);
}

export function mastodonPublisher(client: MastodonClient): Publisher {
  /** The server's own limits apply here too: the registry checks a fresh adapter against the defaults. */
  function check(request: PublishRequest, options: MastodonPostOptions): void {
    const limits = client.limits;
    const messages = validateAgainstLimits(limits, request).map((i) => i.message);
    messages.push(...mastodonRules(request, options, limits, client.polls).map((i) => i.message));
    if (messages.length > 0) throw refuse(messages.join(' '));
  }

  async function waitUntilProcessed(id: string): Promise<void> {
    for (let i = 0; i < PROCESSING_POLLS; i++) {
      // 206 while processing, 200 with a url when done: https://docs.joinmastodon.org/methods/media/#get
      const res = await client.request('GET', `/api/v1/media/${encodeURIComponent(id)}`);
      if (res.status === 200 && parseBody(MediaAttachment, res.body, 'GET /api/v1/media/:id').url) return;
      await new Promise((resolve) => setTimeout(resolve, PROCESSING_WAIT_MS));
    }
    throw new NetworkError(
      'mastodon',
      'transient',
      'Mastodon is still processing the media; Chorus will try again.',
    );
  }

  /** POST /api/v2/media (https://docs.joinmastodon.org/methods/media/#v2), one multipart upload per item. */
  async function upload(media: readonly MediaItem[], focus: MastodonPostOptions['focus']): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, item] of media.entries()) {
      const form = multipartBody([
        {
          name: 'file',
          filename: `media-${i + 1}.${EXTENSIONS[item.mimeType] ?? 'bin'}`,
          contentType: item.mimeType,
          value: item.bytes,
        },
        ...(item.altText ? [{ name: 'description', value: item.altText }] : []),
        ...(focus ? [{ name: 'focus', value: `${focus.x},${focus.y}` }] : []),
      ]);
      const res = await client.request('POST', '/api/v2/media', { multipart: form, timeoutMs: 120_000 });
      const attachment = parseBody(MediaAttachment, res.body, 'POST /api/v2/media');
      if (res.status === 202 || attachment.url === null) await waitUntilProcessed(attachment.id);
      ids.push(attachment.id);
    }
    return ids;
  }

  /** One status, under an Idempotency-Key Mastodon keeps for an hour: a retry returns the same status. */
  async function create(body: Record<string, unknown>, idempotencyKey: string): Promise<Status> {
    const res = await client.call('POST', '/api/v1/statuses', { json: body, idempotencyKey });
    return parseBody(Status, res, 'POST /api/v1/statuses', 'unknown_outcome');
  }

  return {
    // Mastodon keeps Idempotency-Keys for one hour (https://docs.joinmastodon.org/methods/statuses/#create);
    // five minutes are kept in hand.
    replaySafeForMs: 55 * 60_000,

    async publish(request) {
      const options = parseOptions(request.options);
      await client.loadLimits();
      check(request, options);
      const mediaIds = request.media?.length ? await upload(request.media, options.focus) : [];
      const parts = [request.text, ...(request.thread ?? [])];
      let replyTo = options.inReplyToId;
      let first: Status | undefined;
      for (const [i, text] of parts.entries()) {
        const body: Record<string, unknown> = {
          status: text,
          ...(options.visibility ? { visibility: options.visibility } : {}),
          ...(options.spoilerText ? { spoiler_text: options.spoilerText } : {}),
          ...(options.language ? { language: options.language } : {}),
          ...(replyTo ? { in_reply_to_id: replyTo } : {}),
        };
        if (i === 0 && mediaIds.length > 0) body.media_ids = mediaIds;
        if (i === 0 && options.poll) {
          const { options: choices, expiresIn, multiple } = options.poll;
          body.poll = { options: choices, expires_in: expiresIn, multiple: multiple ?? false };
        }
        const status = await create(
          body,
          i === 0 ? request.idempotencyKey : `${request.idempotencyKey}:${i}`,
        );
        first ??= status;
        replyTo = status.id;
      }
      return { remoteId: first!.id, url: first!.url ?? first!.uri };
    },

    async readBack(remoteId) {
      try {
        const status = parseBody(
          Status,
          await client.call('GET', statusPath(remoteId)),
          'GET /api/v1/statuses/:id',
        );
        return { remoteId: status.id, text: htmlToText(status.content), url: status.url ?? status.uri };
      } catch (error) {
        if (error instanceof NetworkError && error.status === 404) return null;
        throw error;
      }
    },

    async delete(remoteId) {
      try {
        await client.call('DELETE', statusPath(remoteId));
      } catch (error) {
        // Already gone (or never ours): the outcome asked for holds.
        if (error instanceof NetworkError && error.status === 404) return;
        throw error;
      }
    },
  };
}
