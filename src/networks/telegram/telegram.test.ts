import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { startReceiver } from '../../../test/support/receiver.js';
import { capabilitiesOf, type MediaItem } from '../contract.js';
import { NetworkError } from '../errors.js';
import { telegramNetwork } from './index.js';
import { TEST_CHAT, TEST_TOKEN } from './test-support/contract-env.js';
import { startTelegramEmulator } from './test-support/emulator.js';
import { loopbackDeps } from './test-support/loopback-deps.js';
import { errorFixture, readMultipart, startBotApiStandIn } from './test-support/stand-in.js';

const clock = new ManualClock('2026-01-01T00:00:00Z');
const logLines: string[] = [];
const SECRET_PART = TEST_TOKEN.split(':')[1]!;

function adapterAt(apiBase: string, host: string, chatId = TEST_CHAT, maxTimeoutMs?: number) {
  const credential = telegramNetwork.parseCredential({ botToken: TEST_TOKEN, chatId, apiBase });
  return telegramNetwork.create(credential, loopbackDeps(host, clock, logLines, maxTimeoutMs));
}

async function failure(p: Promise<unknown>): Promise<NetworkError> {
  const error = await p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
}

describe('telegram credential and declarations', () => {
  it('explains where the bot token comes from, and accepts numeric or @username chats', () => {
    expect(() => telegramNetwork.parseCredential({ botToken: 'abc', chatId: '@acme_news' })).toThrow(
      /@BotFather/,
    );
    const c = telegramNetwork.parseCredential({ botToken: TEST_TOKEN, chatId: -1001234567890 });
    expect(c).toEqual({
      botToken: TEST_TOKEN,
      chatId: '-1001234567890',
      apiBase: 'https://api.telegram.org',
    });
    expect(() => telegramNetwork.parseCredential({ botToken: TEST_TOKEN, chatId: 'acme news' })).toThrow(
      /chat id/,
    );
  });

  it('exposes exactly the declared capabilities', () => {
    const a = adapterAt('https://api.telegram.org', 'api.telegram.org');
    expect(capabilitiesOf(a)).toEqual(telegramNetwork.capabilities);
  });
});

describe('telegram text path against the telegram-test-api emulator', () => {
  let emulator: Awaited<ReturnType<typeof startTelegramEmulator>>;
  const adapter = () => adapterAt(emulator.url, emulator.host);
  beforeAll(async () => {
    emulator = await startTelegramEmulator();
  });
  afterAll(async () => emulator?.close());

  it('publishes text that the emulator received, with chat:message as the remote id', async () => {
    const text = `Launch day ${Date.now()} — ünïcödé ✓ #tag`;
    const result = await adapter().publisher!.publish({ idempotencyKey: 'k1', text });
    expect(result.remoteId).toMatch(new RegExp(`^${TEST_CHAT}:\\d+$`));
    expect(result.url).toBeNull();
    expect(emulator.sent(TEST_TOKEN).at(-1)).toEqual({ chat_id: TEST_CHAT, text });
  });

  it('passes the HTML parse mode and the link preview option through', async () => {
    const text = `<b>Bold</b> and <a href="https://example.com">a link</a> ${Date.now()}`;
    await adapter().publisher!.publish({
      idempotencyKey: 'k2',
      text,
      options: { parseMode: 'HTML', disableLinkPreview: true },
    });
    expect(emulator.sent(TEST_TOKEN).at(-1)).toEqual({
      chat_id: TEST_CHAT,
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });

  it('deletes a published message; deleting it again is refused as invalid_content', async () => {
    const text = `To be deleted ${Date.now()}`;
    const { remoteId } = await adapter().publisher!.publish({ idempotencyKey: 'k3', text });
    expect(emulator.sent(TEST_TOKEN).map((m) => m.text)).toContain(text);
    await adapter().publisher!.delete!(remoteId!);
    expect(emulator.sent(TEST_TOKEN).map((m) => m.text)).not.toContain(text);
    // The emulator answers {ok: false, error_code: 400} with HTTP 200: error_code decides.
    const again = await failure(adapter().publisher!.delete!(remoteId!));
    expect(again).toMatchObject({ kind: 'invalid_content', status: 400 });
  });

  it('reports the bot account from getMe', async () => {
    expect(await adapter().checkHealth()).toEqual({ ok: true, account: '@TestNameBot' });
  });

  it('refuses an unknown parse mode before sending', async () => {
    const before = emulator.sent(TEST_TOKEN).length;
    const err = await failure(
      adapter().publisher!.publish({ idempotencyKey: 'k4', text: 'x', options: { parseMode: 'Markdown' } }),
    );
    expect(err.kind).toBe('invalid_content');
    expect(emulator.sent(TEST_TOKEN).length).toBe(before);
  });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const jpeg: MediaItem = { mimeType: 'image/jpeg', bytes: bytes('fake-jpeg-bytes') };
const png: MediaItem = { mimeType: 'image/png', bytes: bytes('fake-png-bytes') };
const mp4: MediaItem = { mimeType: 'video/mp4', bytes: bytes('fake-mp4-bytes') };

describe('telegram media and errors against a stand-in answering with documented fixtures', () => {
  let api: Awaited<ReturnType<typeof startBotApiStandIn>>;
  const adapter = (maxTimeoutMs?: number) => adapterAt(api.url, api.host, '@acme_news', maxTimeoutMs);
  beforeAll(async () => {
    api = await startBotApiStandIn();
  });
  afterAll(async () => api?.close());
  beforeEach(() => api.reset());

  it('uploads one photo with sendPhoto as an exact multipart request', async () => {
    const result = await adapter().publisher!.publish({
      idempotencyKey: 'p1',
      text: 'Our <i>new</i> office',
      media: [jpeg],
      options: { parseMode: 'HTML' },
    });
    expect(result).toEqual({ remoteId: '-1001234567890:42', url: 'https://t.me/acme_news/42' });
    const [req] = api.requests;
    expect(req!.path).toBe(`/bot${TEST_TOKEN}/sendPhoto`);
    const { boundary } = readMultipart(req!);
    const part = (head: string, body: string) => `--${boundary}\r\n${head}\r\n\r\n${body}\r\n`;
    const expected =
      part('Content-Disposition: form-data; name="chat_id"', '@acme_news') +
      part('Content-Disposition: form-data; name="caption"', 'Our <i>new</i> office') +
      part('Content-Disposition: form-data; name="parse_mode"', 'HTML') +
      part(
        'Content-Disposition: form-data; name="photo"; filename="file0.jpg"\r\nContent-Type: image/jpeg',
        'fake-jpeg-bytes',
      ) +
      `--${boundary}--\r\n`;
    expect(req!.body).toBe(expected);
    expect(req!.headers['content-type']).toBe(`multipart/form-data; boundary=${boundary}`);
    expect(Number(req!.headers['content-length'])).toBe(Buffer.byteLength(expected));
  });

  it('uploads an album with sendMediaGroup: attach:// references, caption on the first item only', async () => {
    const result = await adapter().publisher!.publish({
      idempotencyKey: 'p2',
      text: 'Album',
      media: [png, mp4],
      options: { parseMode: 'MarkdownV2' },
    });
    expect(result).toEqual({ remoteId: '-1001234567890:43', url: 'https://t.me/acme_news/43' });
    const [req] = api.requests;
    expect(req!.path).toBe(`/bot${TEST_TOKEN}/sendMediaGroup`);
    const { parts } = readMultipart(req!);
    expect(parts.map((p) => p.name)).toEqual(['chat_id', 'media', 'file0', 'file1']);
    expect(JSON.parse(parts[1]!.content)).toEqual([
      { type: 'photo', media: 'attach://file0', caption: 'Album', parse_mode: 'MarkdownV2' },
      { type: 'video', media: 'attach://file1' },
    ]);
    expect(parts[2]).toEqual({
      name: 'file0',
      filename: 'file0.png',
      contentType: 'image/png',
      content: 'fake-png-bytes',
    });
    expect(parts[3]).toEqual({
      name: 'file1',
      filename: 'file1.mp4',
      contentType: 'video/mp4',
      content: 'fake-mp4-bytes',
    });
  });

  it('uploads one video with sendVideo, without a caption when the text is empty', async () => {
    await adapter().publisher!.publish({ idempotencyKey: 'p3', text: '', media: [mp4] });
    const [req] = api.requests;
    expect(req!.path).toBe(`/bot${TEST_TOKEN}/sendVideo`);
    expect(readMultipart(req!).parts.map((p) => [p.name, p.contentType])).toEqual([
      ['chat_id', undefined],
      ['video', 'video/mp4'],
    ]);
  });

  it('refuses a caption over 1024 characters with media before sending; the same text alone is sent', async () => {
    const text = 'é'.repeat(1025);
    const err = await failure(adapter().publisher!.publish({ idempotencyKey: 'p4', text, media: [jpeg] }));
    expect(err.kind).toBe('invalid_content');
    expect(err.message).toMatch(/1024/);
    expect(api.requests).toHaveLength(0);
    await adapter().publisher!.publish({ idempotencyKey: 'p5', text });
    expect(api.requests.map((r) => r.path)).toEqual([`/bot${TEST_TOKEN}/sendMessage`]);
  });

  it.each([
    ['unauthorized', 'reconnect_required', /@BotFather.*reconnect/],
    ['forbidden', 'reconnect_required', /administrator.*reconnect/],
    ['badRequest', 'invalid_content', /message caption is too long/],
    ['migrated', 'reconnect_required', /-1009876543210.*reconnect/],
    ['internal', 'transient', /500/],
  ])('maps the documented %s answer to %s', async (name, kind, message) => {
    const body = errorFixture(name);
    api.answer({ status: body.error_code, body });
    const err = await failure(adapter().publisher!.publish({ idempotencyKey: name, text: 'hi' }));
    expect(err).toMatchObject({ kind, status: body.error_code });
    expect(err.message).toMatch(message);
  });

  it('maps 429 to rate_limited at now + parameters.retry_after, and a bare 502 to transient', async () => {
    api.answer({ status: 429, body: errorFixture('tooManyRequests') });
    const limited = await failure(adapter().publisher!.publish({ idempotencyKey: 'rl', text: 'hi' }));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.resetAt).toEqual(new Date(clock.now().getTime() + 17_000));
    api.answer({ status: 502, body: '<html>502 Bad Gateway</html>' });
    const broken = await failure(adapter().checkHealth());
    expect(broken).toMatchObject({ kind: 'transient', status: 502 });
  });

  it('reports the bot account from getMe as documented', async () => {
    expect(await adapter().checkHealth()).toEqual({ ok: true, account: '@acme_poster_bot' });
  });

  it('never puts the bot token in an error message or a log line', async () => {
    const errors: NetworkError[] = [];
    for (const name of ['unauthorized', 'forbidden', 'badRequest', 'tooManyRequests', 'internal']) {
      const body = errorFixture(name);
      api.answer({ status: body.error_code, body });
      errors.push(await failure(adapter().publisher!.publish({ idempotencyKey: name, text: 'hi' })));
    }
    // safeFetch names the whole URL (token included) after too many redirects.
    api.answer((req) => ({ status: 302, body: '', headers: { location: req.path } }));
    errors.push(await failure(adapter().publisher!.publish({ idempotencyKey: 'loop', text: 'hi' })));
    api.reset();
    api.failNext('hang');
    errors.push(await failure(adapter(300).publisher!.publish({ idempotencyKey: 'hang', text: 'hi' })));
    const closed = await startReceiver(() => undefined);
    await closed.close();
    errors.push(await failure(adapterAt(closed.url, closed.host).checkHealth()));
    expect(errors.map((e) => e.kind)).toEqual([
      'reconnect_required',
      'reconnect_required',
      'invalid_content',
      'rate_limited',
      'transient',
      'unknown_outcome',
      'unknown_outcome',
      'transient',
    ]);
    expect(errors[5]!.message).toMatch(/redirects .*\[bot token\]/);
    for (const e of errors) {
      expect(e.message).not.toContain(SECRET_PART);
      expect(String(e.stack)).not.toContain(SECRET_PART);
    }
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(SECRET_PART);
  });
});
