import type { AdapterDeps } from '../contract.js';
import { NetworkError } from '../errors.js';
import { mapTransportError } from '../http-errors.js';
import { ID, mapBotApiError } from './errors.js';
import { formData, type FormPart } from './multipart.js';
import { ApiResponse } from './schemas.js';

export interface TelegramCredential {
  botToken: string;
  chatId: string;
  apiBase: string;
}

/**
 * The only file that talks to Telegram: Bot API methods over the SSRF-guarded client
 * (https://core.telegram.org/bots/api#making-requests). The bot token is part of every URL
 * (`{apiBase}/bot<token>/<method>`), so URLs are never logged and every error message leaving this file is
 * scrubbed of the token.
 */
export class TelegramClient {
  readonly #secrets: string[];

  constructor(
    private readonly credential: TelegramCredential,
    private readonly deps: AdapterDeps,
  ) {
    const secretPart = credential.botToken.slice(credential.botToken.indexOf(':') + 1);
    // Longest first: the whole token, then the part after the colon (also covers a URL-encoded colon).
    this.#secrets = [credential.botToken, secretPart].filter((s) => s.length > 0);
  }

  /** A method called with a JSON body; returns the `result` of the answer. */
  call(method: string, params: Record<string, unknown>): Promise<unknown> {
    return this.send(method, 'application/json', JSON.stringify(params), 15_000);
  }

  /** A method called with multipart/form-data, for uploads; returns the `result` of the answer. */
  upload(method: string, parts: readonly FormPart[]): Promise<unknown> {
    const form = formData(parts);
    return this.send(method, form.contentType, form.body, 120_000);
  }

  private async send(
    method: string,
    contentType: string,
    body: string | Uint8Array,
    timeoutMs: number,
  ): Promise<unknown> {
    try {
      return await this.request(method, contentType, body, timeoutMs);
    } catch (error) {
      throw this.scrub(error instanceof NetworkError ? error : mapTransportError(ID, error));
    }
  }

  private async request(
    method: string,
    contentType: string,
    body: string | Uint8Array,
    timeoutMs: number,
  ): Promise<unknown> {
    const url = `${this.credential.apiBase.replace(/\/+$/, '')}/bot${this.credential.botToken}/${method}`;
    const res = await this.deps.http(url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'user-agent': 'Chorus' },
      body,
      timeoutMs,
      maxBytes: 1024 * 1024,
    });
    this.deps.logger.debug({ network: ID, method, status: res.status }, 'telegram bot api call');
    const answer = ApiResponse.safeParse(safeJson(res.body));
    if (answer.success && answer.data.ok && res.status >= 200 && res.status < 300) return answer.data.result;
    // The Bot API sets the HTTP status to error_code; a server in between may answer without a Bot API body.
    const failure = answer.success && !answer.data.ok ? answer.data : undefined;
    const code = failure?.error_code ?? (res.status >= 200 && res.status < 300 ? 0 : res.status);
    if (code === 0) {
      throw new NetworkError(
        ID,
        'unknown_outcome',
        `Telegram answered ${method} with something Chorus does not understand; it will check before sending again.`,
      );
    }
    throw mapBotApiError(code, failure, res.headers, this.deps.clock.now(), this.credential.chatId);
  }

  private scrub(error: NetworkError): NetworkError {
    let message = error.message;
    for (const secret of this.#secrets) message = message.split(secret).join('[bot token]');
    if (message === error.message) return error;
    return new NetworkError(ID, error.kind, message, {
      ...(error.resetAt ? { resetAt: error.resetAt } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
    });
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}
