import { NetworkError, kindForStatus, retryAfter } from '../errors.js';
import type { ApiFailure } from './schemas.js';

export const ID = 'telegram';
const RECONNECT = 'then reconnect the channel in Settings → Channels';
/** Used when a 429 carries neither `parameters.retry_after` nor a Retry-After header. */
const DEFAULT_WAIT_SECONDS = 30;

/**
 * Bot API errors mapped by `error_code` (the HTTP status when the body is not a Bot API answer) and the
 * structured `parameters`, never by the wording of `description`
 * (https://core.telegram.org/bots/api#making-requests). `chat` names the channel in messages; the bot
 * token never appears in them.
 */
export function mapBotApiError(
  code: number,
  body: ApiFailure | undefined,
  headers: Record<string, string>,
  now: Date,
  chat: string,
): NetworkError {
  const detail = body?.description ? `: ${body.description}` : '';
  const status = { status: code };
  if (code === 429) {
    const seconds = body?.parameters?.retry_after;
    const resetAt =
      seconds !== undefined
        ? new Date(now.getTime() + seconds * 1000)
        : (retryAfter(headers['retry-after'], now) ?? new Date(now.getTime() + DEFAULT_WAIT_SECONDS * 1000));
    return new NetworkError(ID, 'rate_limited', `Telegram asks to slow down posting to ${chat}.`, {
      ...status,
      resetAt,
    });
  }
  const migrated = body?.parameters?.migrate_to_chat_id;
  if (migrated !== undefined) {
    return new NetworkError(
      ID,
      'reconnect_required',
      `The group ${chat} was upgraded to a supergroup with chat id ${migrated}: enter that chat id, ${RECONNECT}.`,
      status,
    );
  }
  if (code === 401 || code === 404) {
    // 401 for a revoked token; 404 when Telegram does not know the token at all.
    return new NetworkError(
      ID,
      'reconnect_required',
      `Telegram refused the bot token (${code}): it was revoked or is wrong. Create a new token with @BotFather, ${RECONNECT}.`,
      status,
    );
  }
  if (code === 403) {
    return new NetworkError(
      ID,
      'reconnect_required',
      `Telegram does not let the bot post in ${chat}${detail}. Add the bot to the channel or group as an administrator allowed to post messages, ${RECONNECT}.`,
      status,
    );
  }
  if (code >= 500) {
    return new NetworkError(
      ID,
      'transient',
      `Telegram is unavailable (${code}); Chorus will try again.`,
      status,
    );
  }
  if (code === 400) {
    return new NetworkError(ID, 'invalid_content', `Telegram refused the message${detail}.`, status);
  }
  return new NetworkError(ID, kindForStatus(code), `Telegram answered ${code}${detail}.`, status);
}
