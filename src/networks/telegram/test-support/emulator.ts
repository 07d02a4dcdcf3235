import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

/** What a bot sent, as the emulator stored it: the body of its sendMessage call. */
export interface SentMessage {
  chat_id?: string | number;
  text?: string;
  parse_mode?: string;
  link_preview_options?: { is_disabled?: boolean };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The telegram-test-api Bot API emulator on 127.0.0.1. It takes a fixed port (0 means its default 9000),
 * so a free port is asked of the OS first, and asked again if another process took it in between.
 * It accepts any token and implements getMe, sendMessage, deleteMessage, getUpdates and a few more; it
 * has no getChat, sendPhoto, sendVideo or sendMediaGroup.
 */
export async function startTelegramEmulator() {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 3600 });
    try {
      await server.start();
    } catch (error) {
      if ((error as { code?: string }).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
    return {
      url: server.config.apiURL,
      host: `127.0.0.1:${port}`,
      /** What the bot with `token` sent, oldest first, read through the emulator's history API. */
      sent(token: string): SentMessage[] {
        return server
          .getUpdatesHistory(token)
          .filter((u) => 'message' in u && u.message && 'chat_id' in u.message)
          .map((u) => (u as unknown as { message: SentMessage }).message);
      },
      close: async () => {
        await server.stop();
      },
    };
  }
}

/**
 * A loopback pass-through in front of `target` that answers 401 for one bot token, as Telegram does for a
 * revoked token (the emulator accepts every token).
 */
export async function startTokenGate(target: string, revokedToken: string) {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').startsWith(`/bot${revokedToken}/`)) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
