import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { AppError, invalid } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Clock } from '../../core/clock.js';
import { sha256 } from '../../core/hash.js';
import { safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type { HttpClient, OAuthContext } from '../../networks/contract.js';
import { NetworkError } from '../../networks/errors.js';
import {
  authorizationUrl,
  exchangeCode,
  newCodeVerifier,
  newState,
  type OAuth2Client,
} from '../../networks/oauth2.js';
import { networkDefinition, type NetworkId } from '../../networks/registry.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { VaultService } from '../vault/vault.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Channel } from './channels.repository.js';
import type { ChannelsService } from './channels.service.js';
import type { OAuthRepository } from './oauth.repository.js';

const FLOW_PURPOSE = 'channel.oauth_flow';
const CLIENT_PURPOSE = 'oauth.client';
/** How long a person has between being sent to the network and coming back. */
const FLOW_MINUTES = 15;
/** Where networks send the person back: a page of the web app, which hands the answer to the API. */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';

/**
 * Connecting a channel by signing in on its network (OAuth 2, docs/networks.md "Signing in"): the start,
 * which sends the person to the network, and the completion, after which the channel is connected (or
 * reconnected) exactly as with a pasted credential.
 */
export class ChannelSignIn {
  constructor(
    private readonly deps: {
      channels: ChannelsService;
      oauth: OAuthRepository;
      accessOf(userId: string, workspaceId: string): Promise<WorkspaceAccess | undefined>;
      publicUrl: string;
      vault: VaultService;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

  private readonly http: HttpClient = (url, request) => safeFetch(url, request, this.deps.egress);

  get redirectUri(): string {
    return `${this.deps.publicUrl}${OAUTH_CALLBACK_PATH}`;
  }

  /**
   * Starts connecting (or reconnecting) a channel by signing in on the network: prepares the OAuth client
   * (registering Chorus with the server if it must), keeps the PKCE verifier encrypted under a hash of a
   * one-time state value, and returns the address to send the person to.
   */
  async startOAuth(
    access: WorkspaceAccess,
    actor: Actor,
    input: { network: string; name?: string | undefined; channelId?: string | undefined; fields: unknown },
  ): Promise<{ authorizeUrl: string; expiresAt: Date }> {
    const network = this.deps.channels.networkId(input.network);
    const definition = networkDefinition(network);
    if (!definition.oauth) {
      throw invalid(
        `${definition.metadata.name} is not connected by signing in: enter its ${definition.metadata.auth.fields
          .map((f) => f.label.toLowerCase())
          .join(' and ')} instead.`,
      );
    }
    if (input.channelId) {
      const channel = await this.deps.channels.get(access, input.channelId);
      if (channel.network !== network)
        throw invalid(`Channel ${channel.name} is on ${channel.network}, not ${network}.`);
    }
    if (!actor.userId) throw new AppError('forbidden', 'Signing in to a network needs a signed-in person.');
    const client = await this.prepareClient(network, input.fields);
    const state = newState();
    const codeVerifier = newCodeVerifier();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + FLOW_MINUTES * 60_000);
    const secretId = await this.deps.vault.store({
      workspaceId: access.workspace.id,
      purpose: FLOW_PURPOSE,
      plaintext: JSON.stringify({ codeVerifier, client }),
    });
    await this.deps.oauth.insertFlow({
      id: newId(),
      stateHash: sha256(state),
      workspaceId: access.workspace.id,
      userId: actor.userId,
      network,
      channelId: input.channelId ?? null,
      name: input.name?.trim() || null,
      secretId,
      expiresAt,
    });
    await this.deps.audit.record(actor, {
      action: 'channel.oauth_started',
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'channel',
      ...(input.channelId ? { targetId: input.channelId } : {}),
      data: { network },
    });
    return { authorizeUrl: authorizationUrl(client, { state, codeVerifier }), expiresAt };
  }

  private async prepareClient(network: NetworkId, fields: unknown): Promise<OAuth2Client> {
    const definition = networkDefinition(network);
    const context: OAuthContext = {
      http: (url, request) => safeFetch(url, request, this.deps.egress),
      clock: this.deps.clock,
      logger: this.deps.logger,
      redirectUri: this.redirectUri,
      registrations: {
        find: async (issuer) => {
          const row = await this.deps.oauth.findClient(network, issuer, this.redirectUri);
          if (!row) return undefined;
          const clientSecret = row.secretId ? await this.deps.vault.reveal(row.secretId) : undefined;
          return { clientId: row.clientId, ...(clientSecret ? { clientSecret } : {}) };
        },
        save: async (issuer, registration) => {
          const secretId = registration.clientSecret
            ? await this.deps.vault.store({
                workspaceId: null,
                purpose: CLIENT_PURPOSE,
                plaintext: registration.clientSecret,
              })
            : null;
          const kept = await this.deps.oauth.insertClient({
            id: newId(),
            network,
            issuer,
            redirectUri: this.redirectUri,
            clientId: registration.clientId,
            secretId,
          });
          if (!kept && secretId) await this.deps.vault.remove(secretId);
        },
      },
    };
    try {
      return await definition.oauth!.prepare(fields, context);
    } catch (error) {
      if (error instanceof ZodError) throw this.deps.channels.credentialError(network, error, 'fields');
      if (error instanceof NetworkError) {
        throw new AppError(
          'invalid_request',
          `Chorus could not prepare signing in to ${definition.metadata.name}: ${error.message}`,
          { details: { kind: error.kind } },
        );
      }
      throw error;
    }
  }

  /**
   * Finishes a sign-in when the network sends the person back: the state must name a pending sign-in of
   * this same user (used once, within 15 minutes), the user must still manage channels in that workspace,
   * and the code is traded for tokens with the PKCE verifier. Then the channel is connected (or
   * reconnected) exactly as with a pasted credential.
   */
  async completeOAuth(
    userId: string,
    actor: Actor,
    answer: {
      state: string;
      code?: string | undefined;
      error?: string | undefined;
      errorDescription?: string | undefined;
    },
  ): Promise<{ channel: Channel; workspaceId: string }> {
    const flow = await this.deps.oauth.takeFlow(sha256(answer.state));
    if (!flow) {
      throw invalid(
        'This sign-in is unknown or was already used. Start connecting the channel again from Settings → Channels.',
      );
    }
    const stored = await this.deps.vault.reveal(flow.secretId);
    await this.deps.vault.remove(flow.secretId);
    const network = this.deps.channels.networkId(flow.network);
    const definition = networkDefinition(network);
    if (flow.userId !== userId) {
      throw new AppError(
        'forbidden',
        'This sign-in was started by another user. Start connecting the channel yourself.',
      );
    }
    if (flow.expiresAt.getTime() < this.deps.clock.now().getTime() || !stored) {
      throw invalid(
        `The sign-in took longer than ${FLOW_MINUTES} minutes and has expired. Start connecting the channel again.`,
      );
    }
    if (answer.error) {
      throw invalid(
        answer.error === 'access_denied'
          ? `${definition.metadata.name} access was not granted, so nothing was connected. Start again and choose Authorize to connect the channel.`
          : `${definition.metadata.name} did not grant access (${answer.error}${answer.errorDescription ? `: ${answer.errorDescription}` : ''}). Start connecting the channel again.`,
      );
    }
    if (!answer.code)
      throw invalid(
        `${definition.metadata.name} sent the person back without an authorization code. Start again.`,
      );
    const access = await this.deps.accessOf(userId, flow.workspaceId);
    if (!access || !access.permissions.includes('channels.manage')) {
      throw new AppError(
        'forbidden',
        'You no longer manage channels in this workspace, so nothing was connected.',
      );
    }
    const { codeVerifier, client } = JSON.parse(stored) as { codeVerifier: string; client: OAuth2Client };
    let credential: unknown;
    try {
      const tokens = await exchangeCode(this.http, client, this.deps.clock, {
        code: answer.code,
        codeVerifier,
      });
      credential = definition.oauth!.credential(tokens, client);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      throw new AppError(
        'invalid_request',
        `Chorus could not finish signing in to ${definition.metadata.name}: ${error.message}`,
        { details: { kind: error.kind } },
      );
    }
    const data = { via: 'oauth' };
    if (flow.channelId) {
      const channel = await this.deps.channels.get(access, flow.channelId);
      return {
        channel: await this.deps.channels.replaceCredential(access, actor, channel, credential, data),
        workspaceId: flow.workspaceId,
      };
    }
    return {
      channel: await this.deps.channels.create(access, actor, network, credential, flow.name, data),
      workspaceId: flow.workspaceId,
    };
  }
}
