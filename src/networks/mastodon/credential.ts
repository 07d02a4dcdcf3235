import { z } from 'zod';

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

/** A Mastodon server's address as a person types it ("mastodon.social" or a full URL), kept as its origin. */
export const InstanceAddress = z
  .preprocess(
    (v) => (typeof v === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? `https://${v.trim()}` : v),
    z.url({
      protocol: /^https?$/,
      error: 'Enter the address of the Mastodon server, for example https://mastodon.social',
    }),
  )
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || LOOPBACK.test(url.hostname);
  }, 'The Mastodon server address must start with https://')
  .transform((u) => new URL(u).origin);

/** What a sign-in adds to the access token: the app it was granted to, and its refresh data if any. */
const OAuthGrant = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  refreshToken: z.string().min(1).nullable().default(null),
  expiresAt: z.string().nullable().default(null),
  scope: z.string().nullable().default(null),
});

export const MastodonCredentialSchema = z.strictObject({
  instance: InstanceAddress,
  accessToken: z
    .string()
    .trim()
    .min(20, 'Paste the access token from Mastodon → Preferences → Development → your application.'),
  /** Present when the channel was connected by signing in (OAuth), absent for a pasted token. */
  oauth: OAuthGrant.optional(),
});

export type MastodonCredential = z.infer<typeof MastodonCredentialSchema>;

/** Scopes Chorus asks for (https://docs.joinmastodon.org/api/oauth-scopes/): read and write, nothing admin. */
export const MASTODON_SCOPES = ['read', 'write'] as const;
