import { z } from 'zod';
import {
  countCharacters,
  type MediaItem,
  type PostOptionsSpec,
  type Publisher,
  type PublishResult,
} from '../contract.js';
import { NetworkError } from '../errors.js';
import type { TelegramClient, TelegramCredential } from './client.js';
import { ID } from './errors.js';
import type { FormPart } from './multipart.js';
import { Message, Messages } from './schemas.js';

/**
 * Captions of photos, videos and albums: 0-1024 characters
 * (https://core.telegram.org/bots/api#sendphoto, …#inputmediaphoto). `limits.text.max` is the 4096 of a
 * message text, so publish refuses a longer caption itself, before anything is sent.
 */
export const CAPTION_MAX = 1024;

/** Options a Telegram variant may carry (https://core.telegram.org/bots/api#formatting-options). */
const PostOptions = z.object({
  parseMode: z.enum(['HTML', 'MarkdownV2']).optional(),
  disableLinkPreview: z.boolean().optional(),
});
export type TelegramPostOptions = z.infer<typeof PostOptions>;

/** What the composer offers for a Telegram variant, and the checks saving runs (the caption limit). */
export const telegramPostOptions: PostOptionsSpec = {
  fields: [
    {
      name: 'parseMode',
      label: 'Formatting',
      kind: 'choice',
      choices: [
        { value: 'HTML', label: 'HTML (<b>, <i>, <a href>)' },
        { value: 'MarkdownV2', label: 'MarkdownV2 (*bold*, _italic_)' },
      ],
      help: 'How Telegram reads the text; plain text when not chosen.',
    },
    { name: 'disableLinkPreview', label: 'No link preview', kind: 'boolean' },
  ],
  check(request) {
    const issues: ReturnType<PostOptionsSpec['check']> = [];
    const parsed = PostOptions.safeParse(request.options ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          field: 'options',
          option: String(issue.path[0] ?? ''),
          message: `Telegram option ${issue.path.join('.')} is not valid: parseMode is HTML or MarkdownV2, disableLinkPreview is true or false.`,
        });
      }
    }
    const length = countCharacters(request.text);
    if ((request.media?.length ?? 0) > 0 && length > CAPTION_MAX) {
      issues.push({
        field: 'text',
        message: `With media attached the text is a caption, which Telegram limits to ${CAPTION_MAX} characters; it is ${length}. Shorten it by ${length - CAPTION_MAX}, or post the media without text.`,
      });
    }
    return issues;
  },
};

const KINDS: Record<string, { type: 'photo' | 'video'; ext: string }> = {
  'image/jpeg': { type: 'photo', ext: 'jpg' },
  'image/png': { type: 'photo', ext: 'png' },
  'image/webp': { type: 'photo', ext: 'webp' },
  'video/mp4': { type: 'video', ext: 'mp4' },
};

function kindOf(item: MediaItem, index: number) {
  const kind = KINDS[item.mimeType];
  if (!kind) {
    throw new NetworkError(
      ID,
      'invalid_content',
      `Media ${index + 1} is ${item.mimeType}; Telegram takes ${Object.keys(KINDS).join(', ')}.`,
    );
  }
  return kind;
}

function filePart(name: string, item: MediaItem, index: number): FormPart {
  return {
    name,
    filename: `file${index}.${kindOf(item, index).ext}`,
    contentType: item.mimeType,
    bytes: item.bytes,
  };
}

function notUnderstood(method: string): NetworkError {
  return new NetworkError(
    ID,
    'unknown_outcome',
    `Telegram accepted ${method} but its answer was not understood; Chorus will check before sending again.`,
  );
}

/** remoteId is `<chat id>:<message id>`: message ids are only unique within a chat. */
function parseRemoteId(remoteId: string): { chatId: number; messageId: number } {
  const m = /^(-?\d+):(\d+)$/.exec(remoteId);
  if (!m) throw new NetworkError(ID, 'invalid_content', `Not a Telegram message reference: ${remoteId}`);
  return { chatId: Number(m[1]), messageId: Number(m[2]) };
}

export function telegramPublisher(client: TelegramClient, credential: TelegramCredential): Publisher {
  const username = credential.chatId.startsWith('@') ? credential.chatId.slice(1) : undefined;

  function resultOf(message: Message): PublishResult {
    // Only a public chat has a link anyone can open: https://t.me/<username>/<message id>.
    const publicName = username ?? message.chat.username;
    return {
      remoteId: `${message.chat.id}:${message.message_id}`,
      url: publicName ? `https://t.me/${publicName}/${message.message_id}` : null,
    };
  }

  function parse<T>(schema: z.ZodType<T>, method: string, result: unknown): T {
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw notUnderstood(method);
    return parsed.data;
  }

  return {
    async publish(request) {
      const opts = PostOptions.safeParse(request.options ?? {});
      if (!opts.success) {
        throw new NetworkError(
          ID,
          'invalid_content',
          'Telegram options are not valid: parseMode is HTML or MarkdownV2, disableLinkPreview is true or false.',
        );
      }
      const { parseMode, disableLinkPreview } = opts.data;
      const media = request.media ?? [];
      if (media.length === 0) {
        // https://core.telegram.org/bots/api#sendmessage
        const result = await client.call('sendMessage', {
          chat_id: credential.chatId,
          text: request.text,
          ...(parseMode ? { parse_mode: parseMode } : {}),
          // https://core.telegram.org/bots/api#linkpreviewoptions (replaced disable_web_page_preview in 7.0)
          ...(disableLinkPreview !== undefined
            ? { link_preview_options: { is_disabled: disableLinkPreview } }
            : {}),
        });
        return resultOf(parse(Message, 'sendMessage', result));
      }
      const length = countCharacters(request.text);
      if (length > CAPTION_MAX) {
        throw new NetworkError(
          ID,
          'invalid_content',
          `With media attached the text is a caption, which Telegram limits to ${CAPTION_MAX} characters; it is ${length}. Shorten it by ${length - CAPTION_MAX}, or post the media without text.`,
        );
      }
      media.forEach(kindOf);
      const caption = request.text.trim() === '' ? undefined : request.text;
      const captionParts: FormPart[] = [
        ...(caption !== undefined ? [{ name: 'caption', value: caption }] : []),
        ...(caption !== undefined && parseMode ? [{ name: 'parse_mode', value: parseMode }] : []),
      ];
      if (media.length === 1) {
        // https://core.telegram.org/bots/api#sendphoto and #sendvideo
        const item = media[0]!;
        const { type } = kindOf(item, 0);
        const method = type === 'photo' ? 'sendPhoto' : 'sendVideo';
        const result = await client.upload(method, [
          { name: 'chat_id', value: credential.chatId },
          ...captionParts,
          filePart(type, item, 0),
        ]);
        return resultOf(parse(Message, method, result));
      }
      // https://core.telegram.org/bots/api#sendmediagroup: 2-10 InputMediaPhoto/InputMediaVideo, files
      // uploaded as parts named in `media: "attach://<name>"`; the album caption goes on the first item.
      const items = media.map((item, i) => ({
        type: kindOf(item, i).type,
        media: `attach://file${i}`,
        ...(i === 0 && caption !== undefined
          ? { caption, ...(parseMode ? { parse_mode: parseMode } : {}) }
          : {}),
      }));
      const result = await client.upload('sendMediaGroup', [
        { name: 'chat_id', value: credential.chatId },
        { name: 'media', value: JSON.stringify(items) },
        ...media.map((item, i) => filePart(`file${i}`, item, i)),
      ]);
      return resultOf(parse(Messages, 'sendMediaGroup', result)[0]!);
    },

    async delete(remoteId) {
      // https://core.telegram.org/bots/api#deletemessage: `ok: true` is the success signal (the client has
      // checked it); the `result` itself carries nothing more.
      const { chatId, messageId } = parseRemoteId(remoteId);
      await client.call('deleteMessage', { chat_id: chatId, message_id: messageId });
    },
  };
}
