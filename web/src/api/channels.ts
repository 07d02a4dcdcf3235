/** API calls for networks and channels (connecting, signing in, testing, disconnecting). */

import type {
  Channel,
  ChannelCredential,
  ConnectChannelInput,
  NetworkInfo,
  SignInAnswer,
  StartSignInInput,
} from '../types.js';
import { request, seg, ws } from './core.js';

export const channelCalls = {
  networks: (signal?: AbortSignal) => request<{ networks: NetworkInfo[] }>('/api/v1/networks', { signal }),

  channels: (workspaceId: string, signal?: AbortSignal) =>
    request<{ channels: Channel[] }>(`${ws(workspaceId)}/channels`, { signal }),

  connectChannel: (workspaceId: string, input: ConnectChannelInput) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels`, { method: 'POST', body: input }),

  /** Starts signing in on a network; the browser is then sent to `authorizeUrl`. */
  startChannelSignIn: (workspaceId: string, input: StartSignInInput) =>
    request<{ authorizeUrl: string; expiresAt: string }>(`${ws(workspaceId)}/channels/oauth`, {
      method: 'POST',
      body: input,
    }),

  /** Hands what the network sent back to /oauth/callback to the server, which connects the channel. */
  completeChannelSignIn: (answer: SignInAnswer) =>
    request<{ channel: Channel; workspaceId: string }>('/api/v1/oauth/complete', {
      method: 'POST',
      body: answer,
    }),

  testChannel: (workspaceId: string, channelId: string) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels/${seg(channelId)}/test`, { method: 'POST' }),

  reconnectChannel: (workspaceId: string, channelId: string, credential: ChannelCredential) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels/${seg(channelId)}/credential`, {
      method: 'PUT',
      body: { credential },
    }),

  disconnectChannel: (workspaceId: string, channelId: string) =>
    request<undefined>(`${ws(workspaceId)}/channels/${seg(channelId)}`, { method: 'DELETE' }),
};
