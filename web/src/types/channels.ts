/** Shapes of the API: networks (their limits and post options) and connected channels. */

export interface NetworkCredentialField {
  name: string;
  label: string;
  /** Entered in a password input and never shown again. */
  secret: boolean;
  help?: string;
}

export interface NetworkInfo {
  id: string;
  name: string;
  docsUrl: string;
  verification: string;
  auth: {
    kind: string;
    fields: NetworkCredentialField[];
  };
  /** Present when the network can be connected by signing in on it; the fields asked first. */
  oauth: { fields: NetworkCredentialField[] } | null;
  /** Which look the composer's preview borrows. */
  preview: PreviewStyle;
  limits: NetworkLimits;
  /** Options a post for this network takes, as form fields. */
  options: PostOptionField[];
}

export type PreviewStyle = 'bluesky' | 'mastodon' | 'telegram' | 'discord' | 'slack' | 'webhook';

export interface NetworkLimits {
  text: {
    max: number;
    unit: 'graphemes' | 'characters' | 'weighted';
    /** Every http(s) link counts as this many units; null: as written. */
    linkLength: number | null;
    /** A mention of a remote account (@user@server) counts only "@user". */
    remoteMentionCountsUser: boolean;
  };
  media: {
    maxItems: number;
    types: string[];
    maxBytes: number;
    maxVideoSeconds: number | null;
    altTextMax: number | null;
  };
  threads: boolean;
  firstComment: boolean;
}

export type PostOptionField = { name: string; label: string; help?: string } & (
  | { kind: 'choice'; choices: { value: string; label: string }[] }
  | { kind: 'text'; maxLength?: number; countsTowardText?: boolean }
  | { kind: 'boolean' }
  | { kind: 'languages'; max: number }
);

export type ChannelStatus = 'connected' | 'needs_reconnect' | 'disconnected';

export interface Channel {
  id: string;
  network: string;
  name: string;
  account: string | null;
  status: ChannelStatus;
  tokenExpiresAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastCheckedAt: string | null;
  /** The request budget the network last reported, if it reports one. */
  quota: { remaining: number; limit: number; resetAt: string | null; scope: string; seenAt: string } | null;
  createdAt: string;
}

export interface StartSignInInput {
  network: string;
  name?: string;
  /** Set to reconnect this channel by signing in again. */
  channelId?: string;
  fields: ChannelCredential;
}

export interface SignInAnswer {
  state: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

/** Credential values by field name, as the network's `auth.fields` describe them. */
export type ChannelCredential = Record<string, string>;

export interface ConnectChannelInput {
  network: string;
  name?: string;
  credential: ChannelCredential;
}
