import { z } from 'zod';
import type { OAuthContext, OAuthSetup } from '../contract.js';
import type { OAuth2Client } from '../oauth2.js';
import { MastodonClient } from './client.js';
import { InstanceAddress, MASTODON_SCOPES, type MastodonCredential } from './credential.js';
import { parseBody } from './schemas.js';

/**
 * Connecting Mastodon by signing in. Every Mastodon server is its own authorization server, so Chorus
 * first registers itself there as an application (POST /api/v1/apps,
 * https://docs.joinmastodon.org/methods/apps/#create) — once per server, the registration is kept — then
 * sends the person to /oauth/authorize with PKCE (https://docs.joinmastodon.org/methods/oauth/#authorize)
 * and trades the code at /oauth/token (https://docs.joinmastodon.org/methods/oauth/#token). Mastodon's
 * tokens do not expire and come without a refresh token; should a server send expires_in and a
 * refresh_token, the shared OAuth helper refreshes ahead of expiry.
 */
const SignInFields = z.strictObject({ instance: InstanceAddress });

// https://docs.joinmastodon.org/entities/Application/#CredentialApplication
const CredentialApplication = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
});

export function mastodonOAuthClient(
  instance: string,
  registration: { clientId: string; clientSecret?: string | undefined },
  redirectUri: string,
): OAuth2Client {
  return {
    network: 'mastodon',
    networkName: 'Mastodon',
    authorizeUrl: `${instance}/oauth/authorize`,
    tokenUrl: `${instance}/oauth/token`,
    clientId: registration.clientId,
    ...(registration.clientSecret ? { clientSecret: registration.clientSecret } : {}),
    redirectUri,
    scopes: MASTODON_SCOPES,
    clientAuth: 'body',
    pkce: true,
  };
}

async function register(instance: string, context: OAuthContext) {
  const client = new MastodonClient(
    { instance, accessToken: '' },
    { http: context.http, clock: context.clock, logger: context.logger },
  );
  const body = await client.call('POST', '/api/v1/apps', {
    anonymous: true,
    json: {
      client_name: 'Chorus',
      redirect_uris: context.redirectUri,
      scopes: MASTODON_SCOPES.join(' '),
    },
  });
  const app = parseBody(CredentialApplication, body, 'POST /api/v1/apps');
  return { clientId: app.client_id, ...(app.client_secret ? { clientSecret: app.client_secret } : {}) };
}

export const mastodonOAuth: OAuthSetup<MastodonCredential> = {
  fields: [
    {
      name: 'instance',
      label: 'Server address',
      secret: false,
      help: 'The address of the Mastodon server the account lives on, for example https://mastodon.social',
    },
  ],
  async prepare(input, context) {
    const { instance } = SignInFields.parse(input);
    let registration = await context.registrations.find(instance);
    if (!registration) {
      registration = await register(instance, context);
      await context.registrations.save(instance, registration);
      // Another sign-in may have registered at the same moment; the kept registration is the one to use.
      registration = (await context.registrations.find(instance)) ?? registration;
    }
    return mastodonOAuthClient(instance, registration, context.redirectUri);
  },
  credential(tokens, client) {
    return {
      instance: new URL(client.tokenUrl).origin,
      accessToken: tokens.accessToken,
      oauth: {
        clientId: client.clientId,
        ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
        scope: tokens.scope,
      },
    };
  },
};
