import { z } from 'zod';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../core/signature.js';
import { countCharacters, type NetworkDefinition, type NetworkLimits } from '../contract.js';
import { NetworkError, kindForStatus, retryAfter } from '../errors.js';
import { mapTransportError } from '../http-errors.js';

/**
 * A generic signed webhook channel: each post is POSTed as JSON to a URL the customer controls (their own
 * automation, a CMS, a chat bridge). The body comes from a template; every request carries
 * `X-Chorus-Timestamp`, `X-Chorus-Signature: v1=HMAC-SHA256(secret, "<timestamp>.<body>")` and
 * `Idempotency-Key` (the delivery's key), so the receiver can verify, reject replays and drop duplicates.
 * Docs for receivers: docs/networks.md#webhook.
 */
const Credential = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16, 'Use a signing secret of at least 16 characters.'),
  template: z
    .string()
    .max(10_000)
    .optional()
    .describe(
      'JSON with {{text}}, {{idempotencyKey}}, {{sentAt}} placeholders; default {"text":…,"idempotencyKey":…,"sentAt":…}',
    ),
});
export type WebhookCredential = z.infer<typeof Credential>;

const DEFAULT_TEMPLATE = '{"text":{{text}},"idempotencyKey":{{idempotencyKey}},"sentAt":{{sentAt}}}';

export function renderTemplate(template: string, values: Record<string, string>): string {
  const rendered = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => JSON.stringify(values[key] ?? ''));
  JSON.parse(rendered); // a template that does not yield JSON is a configuration error, caught at connect time
  return rendered;
}

const WEBHOOK_LIMITS: NetworkLimits = {
  text: { max: 10_000, unit: 'characters', count: countCharacters },
  media: { maxItems: 0, types: [], maxBytes: 0 },
  threads: false,
  firstComment: false,
};

export const webhookNetwork: NetworkDefinition<WebhookCredential> = {
  limits: WEBHOOK_LIMITS,
  capabilities: ['publish'],
  metadata: {
    id: 'webhook',
    name: 'Signed webhook',
    docsUrl: 'https://datatracker.ietf.org/doc/html/rfc2104',
    preview: 'webhook',
    auth: {
      kind: 'webhook_url',
      fields: [
        { name: 'url', label: 'Webhook URL', secret: true },
        {
          name: 'secret',
          label: 'Signing secret',
          secret: true,
          help: 'At least 16 characters; the receiver checks X-Chorus-Signature with it.',
        },
        { name: 'template', label: 'Body template (JSON)', secret: false },
      ],
    },
    verification: 'local_receiver',
  },
  parseCredential(input) {
    const credential = Credential.parse(input);
    try {
      renderTemplate(credential.template ?? DEFAULT_TEMPLATE, {
        text: 't',
        idempotencyKey: 'k',
        sentAt: 's',
      });
    } catch {
      throw new Error('The body template is not valid JSON once its {{placeholders}} are filled in.');
    }
    return credential;
  },
  create(credential, deps) {
    const id = 'webhook';
    async function send(body: string, idempotencyKey: string) {
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      const res = await deps
        .http(credential.url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Chorus',
            'idempotency-key': idempotencyKey,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signPayload(credential.secret, timestamp, body),
          },
          timeoutMs: 15_000,
          maxBytes: 64 * 1024,
        })
        .catch((error: unknown) => {
          throw mapTransportError(id, error);
        });
      if (res.status >= 200 && res.status < 300) return res;
      const kind =
        res.status === 404 || res.status === 410 ? 'reconnect_required' : kindForStatus(res.status);
      const advice =
        kind === 'reconnect_required'
          ? ' Check the URL and the signing secret with the receiver, then reconnect the channel.'
          : kind === 'invalid_content'
            ? ' The receiver did not accept this post.'
            : '';
      throw new NetworkError(id, kind, `The webhook receiver answered ${res.status}.${advice}`, {
        status: res.status,
        ...(kind === 'rate_limited'
          ? {
              resetAt:
                retryAfter(res.headers['retry-after'], deps.clock.now()) ??
                new Date(deps.clock.now().getTime() + 60_000),
            }
          : {}),
      });
    }
    return {
      metadata: webhookNetwork.metadata,
      limits: WEBHOOK_LIMITS,
      async checkHealth() {
        // A signed empty ping: receivers answer 2xx to show the URL and secret are right.
        const body = JSON.stringify({ ping: true });
        await send(body, `ping-${deps.clock.now().getTime()}`);
        return { ok: true, account: new URL(credential.url).host };
      },
      publisher: {
        // Receivers are asked to drop a request whose Idempotency-Key they have seen (docs/networks.md).
        replaySafeForMs: Number.POSITIVE_INFINITY,
        async publish(request) {
          const body = renderTemplate(credential.template ?? DEFAULT_TEMPLATE, {
            text: request.text,
            idempotencyKey: request.idempotencyKey,
            sentAt: deps.clock.now().toISOString(),
          });
          const res = await send(body, request.idempotencyKey);
          let remoteId: string | null = null;
          try {
            const parsed = JSON.parse(res.body.toString('utf8')) as { id?: unknown };
            if (typeof parsed.id === 'string' || typeof parsed.id === 'number') remoteId = String(parsed.id);
          } catch {
            /* a receiver may answer with no body */
          }
          return { remoteId, url: null };
        },
      },
    };
  },
};
