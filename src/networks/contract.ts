import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { SafeRequest, SafeResponse } from '../egress/safe-fetch.js';
import type { OAuth2Client, TokenSet } from './oauth2.js';

/**
 * What every network adapter is: a factory over a decrypted credential and small dependencies, returning
 * metadata, limits as data, and the capabilities the network has. Generic code asks `if (adapter.publisher)`
 * and reads `adapter.limits`; it never branches on a network's id.
 */

/** How text length is counted: by grapheme (Bluesky), by character (Mastodon), or the network's own weight. */
export interface TextLimits {
  max: number;
  unit: 'graphemes' | 'characters' | 'weighted';
  count(text: string): number;
  /**
   * What `count` does beyond counting units, as data, so the composer can count in the browser the same
   * way (the server's answer still wins): every http(s) link weighs `linkLength`, and a mention of a remote
   * account (@user@server) counts only "@user" when `remoteMentionCountsUser`.
   */
  rules?: { linkLength?: number; remoteMentionCountsUser?: boolean };
}

export interface MediaLimits {
  maxItems: number;
  /** Accepted MIME types; empty = no media. */
  types: readonly string[];
  maxBytes: number;
  maxVideoSeconds?: number;
  altTextMax?: number;
}

export interface NetworkLimits {
  text: TextLimits;
  media: MediaLimits;
  threads: boolean;
  firstComment: boolean;
  /** Published request budgets, so Chorus stays under them instead of learning from 429s. */
  rate?: { requests: number; perSeconds: number; scope: 'channel' | 'app' }[];
}

export type CredentialField = { name: string; label: string; secret: boolean; help?: string };

/**
 * How the composer previews a post for a network: which look it borrows. Generic UI picks a preview by
 * this style, never by network id, so a new network declares the look closest to its own.
 */
export const PREVIEW_STYLES = ['bluesky', 'mastodon', 'telegram', 'discord', 'slack', 'webhook'] as const;
export type PreviewStyle = (typeof PREVIEW_STYLES)[number];

export interface NetworkMetadata {
  id: string;
  name: string;
  docsUrl: string;
  preview: PreviewStyle;
  auth: {
    kind: 'app_password' | 'oauth2' | 'access_token' | 'webhook_url';
    fields: readonly CredentialField[];
  };
  /** How this adapter is verified: against a real local server, a local receiver, or recorded fixtures. */
  verification: 'local_peer' | 'local_receiver' | 'fixtures';
}

export interface MediaItem {
  mimeType: string;
  bytes: Uint8Array;
  altText?: string;
}

export interface PublishRequest {
  /** Chosen by Chorus per delivery; a network that supports idempotency uses it so a retry cannot duplicate. */
  idempotencyKey: string;
  text: string;
  media?: readonly MediaItem[];
  /** Further parts of a thread, published as a reply chain after the first. */
  thread?: readonly string[];
  options?: Record<string, unknown>;
}

export interface PublishResult {
  remoteId: string | null;
  url: string | null;
}

export interface RemotePost {
  remoteId: string;
  text: string;
  url: string | null;
}

export interface Publisher {
  publish(request: PublishRequest): Promise<PublishResult>;
  delete?(remoteId: string): Promise<void>;
  readBack?(remoteId: string): Promise<RemotePost | null>;
  /**
   * Looks up the post a delivery created, by its idempotency key (Bluesky: the record key derived from
   * it). Null proves nothing was posted under that key. Used to settle a publish whose outcome is unknown.
   */
  find?(request: PublishRequest): Promise<PublishResult | null>;
  /**
   * For how long after the first attempt publishing again with the same idempotency key cannot create a
   * second post (Mastodon keeps keys an hour; Bluesky's record keys forever). Absent: never — a publish
   * whose outcome is unknown must be found, or checked by a person.
   */
  replaySafeForMs?: number;
}

export interface PostMetrics {
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
}

export interface MetricsReader {
  /** Current counts for published posts, by remote id; posts the network no longer has are left out. */
  posts(remoteIds: readonly string[]): Promise<Record<string, PostMetrics>>;
}

export interface ProfileStats {
  id: string;
  handle: string;
  displayName: string | null;
  followers: number;
  following: number;
  posts: number;
}

export interface ProfileReader {
  /** Public profile numbers of any account (ours or a competitor's). */
  get(handle: string): Promise<ProfileStats>;
}

export interface InboxItem {
  remoteId: string;
  kind: 'reply' | 'mention' | 'quote' | 'comment' | 'dm';
  author: { id: string; handle: string; displayName: string | null };
  text: string;
  createdAt: Date;
  url: string | null;
  /** What this item answers, if anything (our post, or a thread root). */
  parentRemoteId: string | null;
  /** Network-specific references needed to answer it; opaque to generic code. */
  ref: Record<string, string>;
}

export interface InboxPage {
  /** Oldest first. */
  items: InboxItem[];
  /** Pass back to get only what arrived after this page. */
  cursor: string | null;
}

export interface InboxReader {
  /** Everything that arrived after `cursor` (null = the most recent page). */
  fetchSince(cursor: string | null): Promise<InboxPage>;
  reply(to: InboxItem, text: string, idempotencyKey: string): Promise<PublishResult>;
}

export interface SearchHit {
  remoteId: string;
  author: { id: string; handle: string; displayName: string | null };
  text: string;
  createdAt: Date;
  url: string | null;
  metrics: PostMetrics;
}

export interface SearchReader {
  /** Public posts matching `query` (the network's own search syntax), newest first. */
  posts(
    query: string,
    options?: { cursor?: string; limit?: number },
  ): Promise<{ hits: SearchHit[]; cursor: string | null }>;
}

export interface HealthResult {
  ok: boolean;
  /** Who the credential acts as, for display ("@acme.bsky.social"). */
  account?: string;
  /** When the access token stops working, if the network says (OAuth tokens with a lifetime). */
  expiresAt?: Date;
  /** The request budget the network reported while checking, if it reports one. */
  quota?: QuotaSnapshot;
}

/**
 * A request budget as the network last reported it (rate-limit headers): how much is left of which
 * limit, and when it resets. Adapters report every one they see through `AdapterDeps.onQuota`.
 */
export interface QuotaSnapshot {
  remaining: number;
  limit: number;
  resetAt: Date | null;
  /** Which budget, in the network's words ("requests per 5 minutes", "write points per hour"). */
  scope: string;
}

export interface ValidationIssue {
  field: 'text' | 'media' | 'thread' | 'options';
  message: string;
  /** For `thread`: which further part (0 = the second post of the thread). */
  part?: number;
  /** For `options`: which option (its `name` in the network's option fields). */
  option?: string;
}

/**
 * One option a variant for this network may carry (`PublishRequest.options[name]`), described as data so
 * a generic form renders it: a choice among values, free text, a yes/no switch, or language codes.
 */
export type PostOptionField = { name: string; label: string; help?: string } & (
  | { kind: 'choice'; choices: readonly { value: string; label: string }[] }
  | {
      kind: 'text';
      maxLength?: number;
      /** The text is shown with the post and counts against the text limit (a content warning). */
      countsTowardText?: boolean;
    }
  | { kind: 'boolean' }
  /** ISO 639 codes (en, pt-BR); `max` of them, one when 1. */
  | { kind: 'languages'; max: number }
);

/** The options a network's variants take, and its own checks of a post beyond the declared limits. */
export interface PostOptionsSpec {
  fields: readonly PostOptionField[];
  /** Options the API takes that the composer does not offer as fields (a poll, a focal point). */
  apiOnly?: readonly string[];
  /** Issues with the options, and the network's own rules on a post (a content warning counting, …). */
  check(request: Omit<PublishRequest, 'idempotencyKey'>, limits: NetworkLimits): ValidationIssue[];
}

export function capabilitiesOf(adapter: NetworkAdapter): Capability[] {
  const p = adapter.publisher;
  return CAPABILITIES.filter((c) =>
    c === 'publish'
      ? !!p
      : c === 'read_back'
        ? !!p?.readBack
        : c === 'delete'
          ? !!p?.delete
          : c === 'inbox'
            ? !!adapter.inbox
            : c === 'search'
              ? !!adapter.search
              : c === 'metrics'
                ? !!adapter.metrics
                : c === 'profile'
                  ? !!adapter.profile
                  : false,
  );
}

export interface NetworkAdapter {
  metadata: NetworkMetadata;
  limits: NetworkLimits;
  checkHealth(): Promise<HealthResult>;
  publisher?: Publisher;
  metrics?: MetricsReader;
  profile?: ProfileReader;
  inbox?: InboxReader;
  search?: SearchReader;
}

/** The only way an adapter reaches the network: SSRF-guarded, time- and size-capped. */
export type HttpClient = (url: string, request: SafeRequest) => Promise<SafeResponse>;

/**
 * Where an adapter keeps a session between uses (Bluesky's access and refresh tokens), so it logs in once
 * and refreshes, instead of logging in per post. Backed by the vault for channels.
 */
export interface SessionStore {
  load(): Promise<string | undefined>;
  save(value: string): Promise<void>;
}

export interface AdapterDeps {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  sessions?: SessionStore;
  /** Told every request budget the network reports, so channel health can show what is left. */
  onQuota?: (quota: QuotaSnapshot) => void;
}

/**
 * How a network that signs people in with OAuth 2 is connected: the fields asked before the person is
 * sent to the network, how the OAuth client is prepared for them (a Mastodon server needs Chorus
 * registered as an application first), and how the granted tokens become this network's credential.
 */
export interface OAuthSetup<C> {
  fields: readonly CredentialField[];
  prepare(input: unknown, context: OAuthContext): Promise<OAuth2Client>;
  credential(tokens: TokenSet, client: OAuth2Client): C;
}

export interface OAuthContext {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  /** Where the network sends the person back: Chorus's own callback address. */
  redirectUri: string;
  /** Client registrations Chorus made before, per authorization server, so it registers once. */
  registrations: {
    find(issuer: string): Promise<{ clientId: string; clientSecret?: string } | undefined>;
    save(issuer: string, registration: { clientId: string; clientSecret?: string }): Promise<void>;
  };
}

export const CAPABILITIES = [
  'publish',
  'read_back',
  'delete',
  'inbox',
  'metrics',
  'search',
  'profile',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface NetworkDefinition<C = unknown> {
  metadata: NetworkMetadata;
  /** The limits every adapter of this network starts from (an instance may declare tighter ones). */
  limits: NetworkLimits;
  /** What adapters of this network can do; the contract suite checks adapters against it. */
  capabilities: readonly Capability[];
  /** Parses and checks a credential as entered by a person (zod inside). Throws with a readable message. */
  parseCredential(input: unknown): C;
  create(credential: C, deps: AdapterDeps): NetworkAdapter;
  /** Present when the network can be connected by signing in (OAuth 2) rather than pasting a credential. */
  oauth?: OAuthSetup<C>;
  /** Options variants may carry, and the network's own checks; absent: no options. */
  postOptions?: PostOptionsSpec;
}

/** Validates a post against an adapter's declared limits; the same rules the composer shows live. */
export function validateAgainstLimits(
  limits: NetworkLimits,
  request: Omit<PublishRequest, 'idempotencyKey'>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const parts = [request.text, ...(request.thread ?? [])];
  parts.forEach((part, i) => {
    const length = limits.text.count(part);
    if (length > limits.text.max) {
      issues.push({
        field: i === 0 ? 'text' : 'thread',
        ...(i === 0 ? {} : { part: i - 1 }),
        message: `${i === 0 ? 'The text' : `Thread part ${i + 1}`} is ${length} ${limits.text.unit} long; the limit is ${limits.text.max}. Shorten it by ${length - limits.text.max}.`,
      });
    }
  });
  if (request.text.trim() === '' && (request.media?.length ?? 0) === 0) {
    issues.push({ field: 'text', message: 'The post is empty: write some text or add media.' });
  }
  if ((request.thread?.length ?? 0) > 0 && !limits.threads) {
    issues.push({
      field: 'thread',
      message: 'This network does not support threads: publish one post, or split it into separate posts.',
    });
  }
  const media = request.media ?? [];
  if (media.length > limits.media.maxItems) {
    issues.push({
      field: 'media',
      message: `${media.length} media items attached; this network takes at most ${limits.media.maxItems}.`,
    });
  }
  media.forEach((m, i) => {
    if (!limits.media.types.includes(m.mimeType)) {
      issues.push({
        field: 'media',
        message: `Media ${i + 1} is ${m.mimeType}; this network accepts ${limits.media.types.join(', ') || 'no media'}.`,
      });
    }
    if (m.bytes.byteLength > limits.media.maxBytes) {
      issues.push({
        field: 'media',
        message: `Media ${i + 1} is ${m.bytes.byteLength} bytes; the limit is ${limits.media.maxBytes}.`,
      });
    }
    if (limits.media.altTextMax !== undefined && (m.altText?.length ?? 0) > limits.media.altTextMax) {
      issues.push({
        field: 'media',
        message: `The alt text of media ${i + 1} is longer than ${limits.media.altTextMax} characters.`,
      });
    }
  });
  return issues;
}

/**
 * Everything Chorus checks about a post for a network before it is saved: the declared limits, then the
 * options (unknown ones are refused) and the network's own rules. The composer's live validation and the
 * post API both call this, so what the composer shows is what saving enforces.
 */
export function validatePost(
  definition: Pick<NetworkDefinition, 'limits' | 'postOptions' | 'metadata'>,
  request: Omit<PublishRequest, 'idempotencyKey'>,
  limits: NetworkLimits = definition.limits,
): ValidationIssue[] {
  const issues = validateAgainstLimits(limits, request);
  const options = request.options ?? {};
  const spec = definition.postOptions;
  const known = new Set([...(spec?.fields.map((f) => f.name) ?? []), ...(spec?.apiOnly ?? [])]);
  for (const name of Object.keys(options)) {
    if (!known.has(name)) {
      issues.push({
        field: 'options',
        option: name,
        message: known.size
          ? `${definition.metadata.name} has no option "${name}"; it takes ${[...known].join(', ')}.`
          : `${definition.metadata.name} takes no options; remove "${name}".`,
      });
    }
  }
  if (spec) issues.push(...spec.check(request, limits));
  return issues;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
export const countGraphemes = (text: string): number => [...segmenter.segment(text)].length;
export const countCharacters = (text: string): number => [...text].length;
