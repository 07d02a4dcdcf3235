import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Clock } from '../../core/clock.js';
import { safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type {
  AdapterDeps,
  HealthResult,
  NetworkAdapter,
  QuotaSnapshot,
  SessionStore,
} from '../../networks/contract.js';
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
import type { OAuthRepository } from './oauth.repository.js';

const VAULT_PURPOSE = 'channel.credential';
const SESSION_PURPOSE = 'channel.session';

/** Connect, list, test, reconnect and disconnect channels; credentials go to the vault and never come back out. */
export class ChannelsService {
  constructor(
    private readonly deps: {
      channels: ChannelsRepository;
      oauth: OAuthRepository;
      vault: VaultService;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

  /** Told when a channel works again after a reconnect, so what waited for it can go out. */
  onReconnected: ((channel: Channel) => Promise<unknown>) | undefined;

  private async reconnected(channel: Channel): Promise<void> {
    await this.onReconnected?.(channel).catch((error: unknown) =>
      this.deps.logger.error(
        { err: (error as Error).message, channelId: channel.id },
        'releasing held deliveries failed',
      ),
    );
  }

  private adapterDeps(sessions?: SessionStore, channelId?: string): AdapterDeps {
    return {
      http: (url, request) => safeFetch(url, request, this.deps.egress),
      clock: this.deps.clock,
      logger: this.deps.logger,
      ...(sessions ? { sessions } : {}),
      ...(channelId ? { onQuota: (quota: QuotaSnapshot) => this.noteQuota(channelId, quota) } : {}),
    };
  }

  /** Keeps the budget the network last reported on the channel; a failure to record it harms nothing. */
  private noteQuota(channelId: string, quota: QuotaSnapshot): void {
    this.deps.channels
      .recordQuota(channelId, { ...quota, seenAt: this.deps.clock.now() })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, channelId }, 'could not record the channel quota'),
      );
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
    return NETWORK_IDS.map((id) => {
      const definition = networkDefinition(id);
      const { text, media, threads, firstComment } = definition.limits;
      return {
        ...definition.metadata,
        oauth: definition.oauth ? { fields: [...definition.oauth.fields] } : null,
        // What the composer needs to count, check and offer per network; as data, never as code.
        limits: {
          text: {
            max: text.max,
            unit: text.unit,
            linkLength: text.rules?.linkLength ?? null,
            remoteMentionCountsUser: text.rules?.remoteMentionCountsUser ?? false,
          },
          media: {
            maxItems: media.maxItems,
            types: [...media.types],
            maxBytes: media.maxBytes,
            maxVideoSeconds: media.maxVideoSeconds ?? null,
            altTextMax: media.altTextMax ?? null,
          },
          threads,
          firstComment,
        },
        options: (definition.postOptions?.fields ?? []).map((field) => ({
          ...field,
          ...('choices' in field ? { choices: field.choices.map((c) => ({ ...c })) } : {}),
        })),
      };
    });
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
      if (error instanceof ZodError) throw this.credentialError(network, error, 'credential');
      throw invalid((error as Error).message);
    }
  }

  credentialError(network: NetworkId, error: ZodError, root: string): AppError {
    const issues = error.issues.map((i) => ({
      path: [root, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    return invalid(
      `The ${network} ${root === 'credential' ? 'credential is' : 'sign-in details are'} incomplete or wrong: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
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
    const network = this.networkId(input.network);
    return this.create(access, actor, network, this.parse(network, input.credential), input.name);
  }

  networkId(network: string): NetworkId {
    if (!isNetworkId(network)) {
      throw invalid(`Unknown network "${network}". Known networks: ${NETWORK_IDS.join(', ')}.`);
    }
    return network;
  }

  /** Checks a parsed credential with the network, then stores the channel with it. */
  async create(
    access: WorkspaceAccess,
    actor: Actor,
    network: NetworkId,
    credential: unknown,
    name: string | null | undefined,
    data: Record<string, unknown> = {},
  ): Promise<Channel> {
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
      name: name?.trim() || health.account || networkDefinition(network).metadata.name,
      account: health.account ?? null,
      credentialSecretId: secretId,
      tokenExpiresAt: health.expiresAt ?? null,
      createdBy: actor.userId,
      now,
    });
    // Keep the session made while checking, so the first post does not log in again.
    if (session) await this.sessionStore(channel).save(session);
    await this.recordCheckQuota(channel.id, health);
    await this.record(actor, access, 'channel.connected', channel, data);
    return (await this.deps.channels.find(access.workspace.id, channel.id)) ?? channel;
  }

  private async recordCheckQuota(channelId: string, health: HealthResult): Promise<void> {
    if (health.quota)
      await this.deps.channels.recordQuota(channelId, { ...health.quota, seenAt: this.deps.clock.now() });
  }

  /** "Is this credential healthy?" — asks the network and records the answer on the channel. */
  async test(access: WorkspaceAccess, channelId: string, actor: Actor): Promise<Channel> {
    const channel = await this.get(access, channelId);
    if (!channel.credentialSecretId)
      throw new AppError('conflict', 'This channel is disconnected. Reconnect it first.');
    await this.check(channel);
    const updated = await this.get(access, channelId);
    await this.record(actor, access, 'channel.tested', updated, { status: updated.status });
    return updated;
  }

  /** Asks the network whether the channel's credential works (refreshing its token if due) and records it. */
  private async check(channel: Channel): Promise<void> {
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
      await this.recordCheckQuota(channel.id, health);
      if (channel.status === 'needs_reconnect') await this.reconnected({ ...channel, status: 'connected' });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      await this.recordUseFailure(channel, error);
    }
  }

  /**
   * Keeps signed-in channels alive while nobody uses them: every channel whose token expires within
   * `withinMs` is checked, which refreshes its token ahead of expiry (and records a revoked one as
   * needing reconnection before a scheduled post finds out). Also drops sign-ins nobody finished.
   */
  async maintain(withinMs = 60 * 60_000): Promise<{ checked: number; flowsPurged: number }> {
    const due = await this.deps.channels.expiringBefore(new Date(this.deps.clock.now().getTime() + withinMs));
    for (const channel of due) {
      try {
        await this.check(channel);
      } catch (error) {
        this.deps.logger.warn({ err: error, channelId: channel.id }, 'channel check failed');
      }
    }
    return { checked: due.length, flowsPurged: await this.purgeExpiredFlows() };
  }

  async reconnect(
    access: WorkspaceAccess,
    channelId: string,
    credentialInput: unknown,
    actor: Actor,
  ): Promise<Channel> {
    const channel = await this.get(access, channelId);
    const network = this.channelNetwork(channel);
    return this.replaceCredential(access, actor, channel, this.parse(network, credentialInput));
  }

  private channelNetwork(channel: Channel): NetworkId {
    if (!isNetworkId(channel.network))
      throw invalid(`The network ${channel.network} is no longer available.`);
    return channel.network;
  }

  /** Checks a new credential with the network, then puts it in place of the channel's old one. */
  async replaceCredential(
    access: WorkspaceAccess,
    actor: Actor,
    channel: Channel,
    credential: unknown,
    data: Record<string, unknown> = {},
  ): Promise<Channel> {
    const health = await this.verify(this.channelNetwork(channel), credential);
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
    await this.recordCheckQuota(channel.id, health);
    if (channel.credentialSecretId) await this.deps.vault.remove(channel.credentialSecretId);
    const updated = await this.get(access, channel.id);
    await this.record(actor, access, 'channel.reconnected', updated, data);
    await this.reconnected(updated);
    return updated;
  }

  /** Drops sign-ins nobody finished, with their encrypted verifiers. */
  async purgeExpiredFlows(): Promise<number> {
    const secrets = await this.deps.oauth.deleteExpiredFlows(this.deps.clock.now());
    for (const id of secrets) await this.deps.vault.remove(id);
    return secrets.length;
  }

  async disconnect(access: WorkspaceAccess, channelId: string, actor: Actor): Promise<void> {
    const channel = await this.get(access, channelId);
    await this.dropSession(channel);
    await this.deps.channels.markDisconnected(channel.id, this.deps.clock.now());
    if (channel.credentialSecretId) await this.deps.vault.remove(channel.credentialSecretId);
    await this.record(actor, access, 'channel.disconnected', channel);
  }

  /** Checks a channel by id (the engine's checks before scheduled posts); false if it is gone. */
  async checkById(channelId: string): Promise<boolean> {
    const channel = await this.deps.channels.byId(channelId);
    if (!channel || !channel.credentialSecretId) return false;
    await this.check(channel);
    return true;
  }

  /** A channel by id, for the engine (which works across workspaces). */
  byId(channelId: string): Promise<Channel | undefined> {
    return this.deps.channels.byId(channelId);
  }

  /**
   * Records what a network said while the engine used the channel: a credential refused means the channel
   * needs reconnecting (and its deliveries wait); returns true when that changed the channel's status.
   */
  async recordUseFailure(channel: Channel, error: NetworkError): Promise<boolean> {
    const now = this.deps.clock.now();
    const needsReconnect = error.kind === 'reconnect_required';
    await this.deps.channels.recordHealth(channel.id, {
      status: needsReconnect ? 'needs_reconnect' : channel.status,
      error: error.message,
      now,
    });
    const changed = needsReconnect && channel.status !== 'needs_reconnect';
    if (changed) {
      await this.onNeedsReconnect?.(channel, error.message).catch((e: unknown) =>
        this.deps.logger.error(
          { err: (e as Error).message, channelId: channel.id },
          'reporting a channel failed',
        ),
      );
    }
    return changed;
  }

  /** Told when a channel starts needing reconnection (notifications, outbound webhooks). */
  onNeedsReconnect: ((channel: Channel, reason: string) => Promise<unknown>) | undefined;

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
      this.adapterDeps(this.sessionStore(channel), channel.id),
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
