import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import type { AsyncResource } from '../hooks.js';
import { can } from '../permissions.js';
import type { Channel, NetworkInfo, Workspace } from '../types.js';

export interface ChannelDirectory {
  channels: AsyncResource<Channel[]>;
  /** The channel's name, or a neutral word for roles that may not see channels. */
  name: (channelId: string) => string;
  channel: (channelId: string) => Channel | undefined;
}

/** The workspace's channels, to name them next to posts (only for roles that may see channels). */
export function useChannelDirectory(workspace: Workspace): ChannelDirectory {
  const allowed = can(workspace, 'channels.read');
  const channels = useAsync(
    (signal) =>
      allowed ? api.channels(workspace.id, signal).then((r) => r.channels) : Promise.resolve<Channel[]>([]),
    [workspace.id, allowed],
  );
  const channel = (channelId: string): Channel | undefined =>
    channels.data?.find((candidate) => candidate.id === channelId);
  const name = (channelId: string): string =>
    channel(channelId)?.name ?? (allowed && channels.loading ? '…' : 'Channel');
  return { channels, channel, name };
}

/** The networks this server offers, to say "View on Bluesky" rather than a network id. */
export function useNetworkNames(): (networkId: string | undefined) => string {
  const networks = useAsync((signal) => api.networks(signal).then((r) => r.networks), []);
  return (networkId) =>
    networks.data?.find((network: NetworkInfo) => network.id === networkId)?.name ?? 'the network';
}
