import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { startReceiver, type ReceivedRequest } from '../../../../test/support/receiver.js';

/** A fixture from ../fixtures: Bot API answers written from https://core.telegram.org/bots/api. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export function errorFixture(name: string): { error_code: number; description: string } {
  return (fixture('errors') as Record<string, { error_code: number; description: string }>)[name]!;
}

const ANSWERS: Record<string, string> = {
  getMe: 'getMe',
  sendMessage: 'sendMessage',
  sendPhoto: 'sendPhoto',
  sendVideo: 'sendPhoto',
  sendMediaGroup: 'sendMediaGroup',
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A loopback stand-in for the parts of the Bot API the emulator lacks (sendPhoto, sendVideo,
 * sendMediaGroup) and for error answers: it answers each method with its fixture, or with whatever
 * `answer` set until `reset`.
 */
export async function startBotApiStandIn() {
  let override: ((req: ReceivedRequest) => Answer) | undefined;
  const send = (res: ServerResponse, a: Answer) => {
    const json = typeof a.body !== 'string';
    res.writeHead(a.status, { 'content-type': json ? 'application/json' : 'text/html', ...a.headers });
    res.end(json ? JSON.stringify(a.body) : a.body);
  };
  const receiver = await startReceiver((req, res) => {
    if (override) return send(res, override(req));
    const method = /^\/bot[^/]+\/(\w+)$/.exec(req.path)?.[1] ?? '';
    if (method === 'deleteMessage') return send(res, { status: 200, body: { ok: true, result: true } });
    const name = ANSWERS[method];
    if (!name)
      return send(res, { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    send(res, { status: 200, body: fixture(name) });
  });
  return {
    ...receiver,
    /** Answer every request this way until `reset`. */
    answer(make: Answer | ((req: ReceivedRequest) => Answer)) {
      override = typeof make === 'function' ? make : () => make;
    },
    reset() {
      override = undefined;
      receiver.requests.length = 0;
    },
  };
}

export interface ReceivedPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: string;
}

/** Splits a multipart/form-data request (text content only) into its parts, in order. */
export function readMultipart(req: ReceivedRequest): { boundary: string; parts: ReceivedPart[] } {
  const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1];
  if (!boundary) throw new Error(`not multipart: ${String(req.headers['content-type'])}`);
  const segments = req.body.split(`--${boundary}`).slice(1, -1);
  const parts = segments.map((segment) => {
    const [head = '', ...rest] = segment.replace(/^\r\n/, '').split('\r\n\r\n');
    const content = rest.join('\r\n\r\n').replace(/\r\n$/, '');
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const contentType = /content-type: (.+)/i.exec(head)?.[1];
    return {
      name,
      content,
      ...(filename !== undefined ? { filename } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
    };
  });
  return { boundary, parts };
}
