import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Clock } from '../../core/clock.js';
import { safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type { AdapterDeps, NetworkAdapter, SessionStore } from '../../networks/contract.js';
import { NetworkError } from '../../networks/errors.js';
import {
  createAdapter,
  isNetworkId,
  networkDefinition,
  NETWORK_IDS,
  type NetworkId,
} from '../../networks/registry.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { VaultService } from '../vault/vault.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Channel, ChannelsRepository } from './channels.repository.js';

const VAULT_PURPOSE = 'channel.credential';
const SESSION_PURPOSE = 'channel.session';

/** Connect, list, test, reconnect and disconnect channels; credentials go to the vault and never come back out. */
export class ChannelsService {
  constructor(
    private readonly deps: {
      channels: ChannelsRepository;
      vault: VaultService;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

  private adapterDeps(sessions?: SessionStore): AdapterDeps {
    return {
      http: (url, request) => safeFetch(url, request, this.deps.egress),
      clock: this.deps.clock,
      logger: this.deps.logger,
      ...(sessions ? { sessions } : {}),
    };
  }

  /** The channel's network session, kept encrypted in the vault beside its credential. */
  private sessionStore(channel: Channel): SessionStore {
    let secretId = channel.sessionSecretId;
    return {
      load: async () => (secretId ? this.deps.vault.reveal(secretId) : undefined),
      save: async (value) => {
        if (secretId) return this.deps.vault.replace(secretId, value);
        secretId = await this.deps.vault.store({
          workspaceId: channel.workspaceId,
          purpose: SESSION_PURPOSE,
          plaintext: value,
        });
        await this.deps.channels.setSession(channel.id, secretId);
      },
    };
  }

  private async dropSession(channel: Channel): Promise<void> {
    if (!channel.sessionSecretId) return;
    await this.deps.channels.setSession(channel.id, null);
    await this.deps.vault.remove(channel.sessionSecretId);
  }

  networks() {
    return NETWORK_IDS.map((id) => networkDefinition(id).metadata);
  }

  list(access: WorkspaceAccess): Promise<Channel[]> {
    return this.deps.channels.list(access.workspace.id);
  }

  async get(access: WorkspaceAccess, channelId: string): Promise<Channel> {
    const channel = await this.deps.channels.find(access.workspace.id, channelId);
    if (!channel) throw notFound('Channel');
    return channel;
  }

  private parse(network: NetworkId, input: unknown): unknown {
    try {
      return networkDefinition(network).parseCredential(input);
    } catch (error) {
      if (error instanceof ZodError) {
        const issues = error.issues.map((i) => ({
          path: ['credential', ...i.path.map(String)].join('.'),
          message: i.message,
        }));
        throw invalid(
          `The ${network} credential is incomplete or wrong: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          { issues },
        );
      }
      throw invalid((error as Error).message);
    }
  }

  /** Checks a credential against the network before anything is stored. */
  private async verify(network: NetworkId, credential: unknown, sessions?: SessionStore) {
    const adapter = createAdapter(network, credential, this.adapterDeps(sessions));
    try {
      return await adapter.checkHealth();
    } catch (error) {
      if (error instanceof NetworkError) {
        throw new AppError(
          'invalid_request',
          `Chorus could not connect to ${adapter.metadata.name}: ${error.message}`,
          {
            details: { kind: error.kind },
          },
        );
      }
      throw error;
    }
  }

  async connect(
    access: WorkspaceAccess,
    actor: Actor,
    input: { network: string; name?: string | undefined; credential: unknown },
  ): Promise<Channel> {
    if (!isNetworkId(input.network)) {
      throw invalid(`Unknown network "${input.network}". Known networks: ${NETWORK_IDS.join(', ')}.`);
    }
    const network = input.network;
    const credential = this.parse(network, input.credential);
    let session: string | undefined;
    const health = await this.verify(network, credential, {
      load: async () => session,
      save: async (v) => void (session = v),
    });
    const now = this.deps.clock.now();
    const secretId = await this.deps.vault.store({
      workspaceId: access.workspace.id,
      purpose: VAULT_PURPOSE,
      plaintext: JSON.stringify(credential),
    });
    const channel = await this.deps.channels.insert({
      id: newId(),
      workspaceId: access.workspace.id,
      network,
      name: input.name?.trim() || health.account || networkDefinition(network).metadata.name,
      account: health.account ?? null,
      credentialSecretId: secretId,
      tokenExpiresAt: health.expiresAt ?? null,
      createdBy: actor.userId,
      now,
    });
    // Keep the session made while checking, so the first post does not log in again.
    if (session) await this.sessionStore(channel).save(session);
    await this.record(actor, access, 'channel.connected', channel);
    return (await this.deps.channels.find(access.workspace.id, channel.id)) ?? channel;
  }

  /** "Is this credential healthy?" — asks the network and records the answer on the channel. */
  async test(access: WorkspaceAccess, channelId: string, actor: Actor): Promise<Channel> {
    const channel = await this.get(access, channelId);
    if (!channel.credentialSecretId)
      throw new AppError('conflict', 'This channel is disconnected. Reconnect it first.');
    const now = this.deps.clock.now();
    try {
      const health = await (await this.adapterFor(channel)).checkHealth();
      await this.deps.channels.recordHealth(channel.id, {
        status: 'connected',
        account: health.account ?? channel.account,
        tokenExpiresAt: health.expiresAt ?? null,
        error: null,
        now,
      });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      await this.deps.channels.recordHealth(channel.id, {
        status: error.kind === 'reconnect_required' ? 'needs_reconnect' : channel.status,
        error: error.message,
        now,
      });
    }
    const updated = await this.get(access, channelId);
    await this.record(actor, access, 'channel.tested', updated, { status: updated.status });
    return updated;
  }

  async reconnect(
    access: WorkspaceAccess,
    channelId: string,
    credentialInput: unknown,
    actor: Actor,
  ): Promise<Channel> {
    const channel = await this.get(access, channelId);
    if (!isNetworkId(channel.network))
      throw invalid(`The network ${channel.network} is no longer available.`);
    const credential = this.parse(channel.network, credentialInput);
    const health = await this.verify(channel.network, credential);
    const now = this.deps.clock.now();
    const secretId = await this.deps.vault.store({
      workspaceId: access.workspace.id,
      purpose: VAULT_PURPOSE,
      plaintext: JSON.stringify(credential),
    });
    await this.dropSession(channel);
    await this.deps.channels.setCredential(channel.id, secretId, now);
    await this.deps.channels.recordHealth(channel.id, {
      status: 'connected',
      account: health.account ?? channel.account,
      tokenExpiresAt: health.expiresAt ?? null,
      error: null,
      now,
    });
    if (channel.credentialSecretId) await this.deps.vault.remove(channel.credentialSecretId);
    const updated = await this.get(access, channelId);
    await this.record(actor, access, 'channel.reconnected', updated);
    return updated;
  }

  async disconnect(access: WorkspaceAccess, channelId: string, actor: Actor): Promise<void> {
    const channel = await this.get(access, channelId);
    await this.dropSession(channel);
    await this.deps.channels.markDisconnected(channel.id, this.deps.clock.now());
    if (channel.credentialSecretId) await this.deps.vault.remove(channel.credentialSecretId);
    await this.record(actor, access, 'channel.disconnected', channel);
  }

  /** The adapter over this channel's decrypted credential, for the engine and the inbox. */
  async adapterFor(channel: Channel): Promise<NetworkAdapter> {
    if (!isNetworkId(channel.network) || !channel.credentialSecretId) {
      throw new AppError(
        'conflict',
        `Channel ${channel.name} is disconnected. Reconnect it in Settings → Channels.`,
      );
    }
    const plaintext = await this.deps.vault.reveal(channel.credentialSecretId);
    if (plaintext === undefined)
      throw new AppError('conflict', `Channel ${channel.name} has lost its credential. Reconnect it.`);
    return createAdapter(
      channel.network,
      JSON.parse(plaintext) as unknown,
      this.adapterDeps(this.sessionStore(channel)),
    );
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    channel: Channel,
    data: Record<string, unknown> = {},
  ) {
    return this.deps.audit.record(actor, {
      action,
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'channel',
      targetId: channel.id,
      data: { network: channel.network, name: channel.name, ...data },
    });
  }
}
