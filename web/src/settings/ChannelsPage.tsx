import { useEffect, useId, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import type { Channel, Workspace } from '../types.js';
import { ChannelRow } from './ChannelRow.js';
import { ConnectChannelForm } from './ConnectChannelForm.js';
import { ReconnectChannelForm } from './ReconnectChannelForm.js';

function testMessage(channel: Channel): string {
  if (channel.status === 'needs_reconnect') {
    return `Testing ${channel.name} failed: it needs reconnecting. ${channel.lastError ?? ''}`.trim();
  }
  if (channel.lastError) return `Testing ${channel.name} failed. ${channel.lastError}`;
  return `${channel.name} works: the test succeeded.`;
}

export function ChannelsPage({ workspace }: { workspace: Workspace }) {
  const canManage = can(workspace, 'channels.manage');
  const idPrefix = useId();
  const channels = useAsync(
    (signal) => api.channels(workspace.id, signal).then((r) => r.channels),
    [workspace.id],
  );
  const networks = useAsync((signal) => api.networks(signal).then((r) => r.networks), []);
  const [status, setStatus] = useState('');
  // Coming back from signing in on a network: say which channel is now connected, then tidy the address.
  const [connectedId] = useState(() => new URLSearchParams(window.location.search).get('connected'));
  useEffect(() => {
    if (connectedId) window.history.replaceState(null, '', window.location.pathname);
  }, [connectedId]);
  const justConnected = connectedId
    ? channels.data?.find((channel) => channel.id === connectedId)
    : undefined;
  useEffect(() => {
    if (justConnected) setStatus(`${justConnected.name} is connected.`);
  }, [justConnected]);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [reconnectingId, setReconnectingId] = useState<string | null>(null);
  const action = useAction({ exclusive: false });

  const buttonIdPrefix = (channel: Channel): string => `${idPrefix}-${channel.id}`;
  const focusReconnectButton = (channel: Channel): void => {
    document.getElementById(`${buttonIdPrefix(channel)}-reconnect`)?.focus();
  };
  const networkName = (id: string): string => networks.data?.find((network) => network.id === id)?.name ?? id;
  const replace = (updated: Channel): void =>
    channels.setData((list) => list?.map((c) => (c.id === updated.id ? updated : c)));
  const reconnecting = channels.data?.find((channel) => channel.id === reconnectingId);

  async function test(channel: Channel): Promise<void> {
    setStatus('');
    setPendingId(channel.id);
    await action.run(async () => {
      const { channel: updated } = await api.testChannel(workspace.id, channel.id);
      replace(updated);
      setStatus(testMessage(updated));
    });
    setPendingId(null);
  }

  async function disconnect(channel: Channel): Promise<void> {
    const question =
      `Disconnect ${channel.name}? Chorus deletes its credential and cannot publish to it until ` +
      'someone reconnects it.';
    if (!window.confirm(question)) return;
    setStatus('');
    setPendingId(channel.id);
    const ok = await action.run(async () => {
      await api.disconnectChannel(workspace.id, channel.id);
      replace({ ...channel, status: 'disconnected' });
      if (reconnectingId === channel.id) setReconnectingId(null);
      setStatus(`${channel.name} was disconnected. Reconnect it to publish to it again.`);
    });
    setPendingId(null);
    if (ok) {
      // The Test and Disconnect buttons are gone now; keep keyboard focus on the same channel.
      focusReconnectButton(channel);
      channels.reload();
    }
  }

  function openReconnect(channel: Channel): void {
    setStatus('');
    setReconnectingId(channel.id);
  }

  function closeReconnect(channel: Channel): void {
    setReconnectingId(null);
    focusReconnectButton(channel);
  }

  function reconnected(updated: Channel): void {
    replace(updated);
    setStatus(`${updated.name} is reconnected.`);
    closeReconnect(updated);
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Channels</PageHeading>
      <p className="lead">
        The accounts {workspace.name} publishes to, and whether Chorus can still reach them.
      </p>
      <ErrorAlert error={channels.error} />
      <ErrorAlert error={networks.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {channels.loading && !channels.data ? <p className="muted">Loading channels…</p> : null}
      {channels.data && channels.data.length > 0 ? (
        <div className="table-wrap">
          <table className="responsive-table channels-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Network</th>
                <th scope="col">Account</th>
                <th scope="col">Status</th>
                <th scope="col">Last checked</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {channels.data.map((channel) => (
                <ChannelRow
                  key={channel.id}
                  channel={channel}
                  networkName={networkName(channel.network)}
                  canManage={canManage}
                  busy={pendingId === channel.id}
                  buttonIdPrefix={buttonIdPrefix(channel)}
                  onTest={() => void test(channel)}
                  onReconnect={() => openReconnect(channel)}
                  onDisconnect={() => void disconnect(channel)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {channels.data?.length === 0 ? (
        <p className="muted">
          No channels yet.
          {canManage ? ' Connect one below.' : ' Someone who manages channels can connect one.'}
        </p>
      ) : null}

      {canManage && reconnecting ? (
        <ReconnectChannelForm
          key={reconnecting.id}
          workspace={workspace}
          channel={reconnecting}
          networks={networks.data}
          onReconnected={reconnected}
          onCancel={() => closeReconnect(reconnecting)}
        />
      ) : null}

      {canManage ? (
        <section className="panel" aria-labelledby="connect-channel-heading">
          <h3 id="connect-channel-heading">Connect a channel</h3>
          {networks.loading && !networks.data ? <p className="muted">Loading networks…</p> : null}
          {networks.data ? (
            <ConnectChannelForm
              workspace={workspace}
              networks={networks.data}
              onConnected={() => channels.reload()}
            />
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
