import { z } from 'zod';
import { countCharacters, type NetworkDefinition, type NetworkLimits } from '../contract.js';
import { NetworkError } from '../errors.js';
import { TelegramClient, type TelegramCredential } from './client.js';
import { telegramPostOptions, telegramPublisher } from './publish.js';
import { User } from './schemas.js';

export type { TelegramCredential } from './client.js';
export { CAPTION_MAX, type TelegramPostOptions } from './publish.js';

/**
 * Telegram channels and groups, posted to by a bot (Bot API: https://core.telegram.org/bots/api).
 * The text path (sendMessage, deleteMessage, getMe) is verified against a local Bot API emulator
 * (telegram-test-api) in src/networks/telegram/telegram.test.ts. The emulator has no sendPhoto, sendVideo
 * or sendMediaGroup: media uploads are verified only against a loopback stand-in answering with fixtures
 * written from the Bot API documentation (src/networks/telegram/fixtures/).
 */
const Credential = z.strictObject({
  botToken: z
    .string()
    .trim()
    .regex(
      /^\d+:[A-Za-z0-9_-]{35,}$/,
      'Paste the bot token that @BotFather gave you when you created the bot (/newbot, or /token for an existing bot): digits, a colon, then at least 35 letters, digits, - or _.',
    ),
  chatId: z
    .union([z.string(), z.number().int()])
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .regex(
          /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,31})$/,
          'Enter the chat id of the channel or group (for example -1001234567890) or the @username of a public channel.',
        ),
    ),
  apiBase: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
});

const TELEGRAM_LIMITS: NetworkLimits = {
  // Message text: 1-4096 characters after entities parsing (https://core.telegram.org/bots/api#sendmessage).
  // With media the text becomes a caption of at most 1024 characters: publish refuses a longer one with
  // invalid_content before sending (CAPTION_MAX in publish.ts).
  text: { max: 4096, unit: 'characters', count: countCharacters },
  // Albums of up to 10 photos/videos (https://core.telegram.org/bots/api#sendmediagroup); photos uploaded
  // with multipart/form-data may be up to 10 MB (https://core.telegram.org/bots/api#sending-files).
  media: {
    maxItems: 10,
    types: ['image/jpeg', 'image/png', 'image/webp', 'video/mp4'],
    maxBytes: 10_000_000,
  },
  threads: false,
  firstComment: false,
  // A bot "will not be able to send more than 20 messages per minute to the same group"
  // (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
  rate: [{ requests: 20, perSeconds: 60, scope: 'channel' }],
};

export const telegramNetwork: NetworkDefinition<TelegramCredential> = {
  limits: TELEGRAM_LIMITS,
  // No read_back: the Bot API has no method to read a message by id.
  capabilities: ['publish', 'delete'],
  metadata: {
    id: 'telegram',
    name: 'Telegram',
    docsUrl: 'https://core.telegram.org/bots/api',
    preview: 'telegram',
    auth: {
      kind: 'access_token',
      fields: [
        {
          name: 'botToken',
          label: 'Bot token',
          secret: true,
          help: 'From @BotFather in Telegram: /newbot creates a bot and shows its token.',
        },
        {
          name: 'chatId',
          label: 'Channel or group',
          secret: false,
          help: '@username of a public channel, or the numeric chat id (-100…). Add the bot there as an administrator allowed to post.',
        },
      ],
    },
    // The text path is verified against a local emulator; media only against documented fixtures.
    verification: 'local_peer',
  },
  parseCredential: (input) => Credential.parse(input),
  postOptions: telegramPostOptions,
  create(credential, deps) {
    const client = new TelegramClient(credential, deps);
    return {
      metadata: telegramNetwork.metadata,
      limits: TELEGRAM_LIMITS,
      async checkHealth() {
        // https://core.telegram.org/bots/api#getme. getChat would also prove access to the chat, but the
        // local emulator does not implement it, so it stays unverified and unused.
        const me = User.safeParse(await client.call('getMe', {}));
        if (!me.success) {
          throw new NetworkError(
            'telegram',
            'transient',
            'Telegram answered getMe with an unexpected shape.',
          );
        }
        const { username, first_name } = me.data;
        return { ok: true, account: username ? `@${username}` : first_name };
      },
      publisher: telegramPublisher(client, credential),
    };
  },
};
