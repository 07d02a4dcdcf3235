import { formatDateTime } from '../format.js';
import type { Channel, ChannelStatus } from '../types.js';

export const STATUS_LABELS: Record<ChannelStatus, string> = {
  connected: 'Connected',
  needs_reconnect: 'Needs reconnecting',
  disconnected: 'Disconnected',
};

const STATUS_CLASSES: Record<ChannelStatus, string> = {
  connected: 'badge badge-connected',
  needs_reconnect: 'badge badge-attention',
  disconnected: 'badge badge-disconnected',
};

/** Token expiry and the remaining request budget, where the network tells them. */
function ChannelHealth({ channel }: { channel: Channel }) {
  if (channel.status === 'disconnected') return null;
  const expiresAt = channel.tokenExpiresAt;
  const expired = expiresAt !== null && Date.parse(expiresAt) <= Date.now();
  const quota = channel.quota;
  if (!expiresAt && !quota) return null;
  return (
    <ul className="channel-health">
      {expiresAt ? (
        <li>
          {expired ? 'Access expired' : 'Access renews before'}{' '}
          <time dateTime={expiresAt}>{formatDateTime(expiresAt)}</time>
        </li>
      ) : null}
      {quota ? (
        <li>
          {quota.remaining} of {quota.limit} {quota.scope} left
          {quota.resetAt ? (
            <>
              {' '}
              until <time dateTime={quota.resetAt}>{formatDateTime(quota.resetAt)}</time>
            </>
          ) : null}
        </li>
      ) : null}
    </ul>
  );
}

interface ChannelRowProps {
  channel: Channel;
  networkName: string;
  canManage: boolean;
  busy: boolean;
  /** Prefix of the ids given to the row's buttons, so focus can return to them. */
  buttonIdPrefix: string;
  onTest: () => void;
  onReconnect: () => void;
  onDisconnect: () => void;
}

export function ChannelRow({
  channel,
  networkName,
  canManage,
  busy,
  buttonIdPrefix,
  onTest,
  onReconnect,
  onDisconnect,
}: ChannelRowProps) {
  const connected = channel.status !== 'disconnected';

  return (
    <tr className={connected ? undefined : 'row-inactive'}>
      <td data-label="Name">
        <strong>{channel.name}</strong>
      </td>
      <td data-label="Network">{networkName}</td>
      <td data-label="Account">{channel.account ?? <span className="muted">—</span>}</td>
      <td data-label="Status" className="channel-status">
        <span className={STATUS_CLASSES[channel.status]}>{STATUS_LABELS[channel.status]}</span>
        <ChannelHealth channel={channel} />
        {channel.lastError ? (
          <p className="channel-error">
            <span className="channel-error-label">
              Last error
              {channel.lastErrorAt ? (
                <>
                  {' '}
                  (<time dateTime={channel.lastErrorAt}>{formatDateTime(channel.lastErrorAt)}</time>)
                </>
              ) : null}
              :
            </span>{' '}
            {channel.lastError}
          </p>
        ) : null}
      </td>
      <td data-label="Last checked" className="channel-checked">
        {channel.lastCheckedAt ? (
          <time dateTime={channel.lastCheckedAt}>{formatDateTime(channel.lastCheckedAt)}</time>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      {canManage ? (
        <td data-label="Actions">
          <div className="actions">
            {connected ? (
              <button
                type="button"
                id={`${buttonIdPrefix}-test`}
                className="button-secondary"
                aria-label={`Test ${channel.name}`}
                aria-disabled={busy || undefined}
                onClick={busy ? undefined : onTest}
              >
                Test
              </button>
            ) : null}
            <button
              type="button"
              id={`${buttonIdPrefix}-reconnect`}
              className="button-secondary"
              aria-label={`Reconnect ${channel.name}`}
              aria-disabled={busy || undefined}
              onClick={busy ? undefined : onReconnect}
            >
              Reconnect
            </button>
            {connected ? (
              <button
                type="button"
                className="button-danger"
                aria-label={`Disconnect ${channel.name}`}
                aria-disabled={busy || undefined}
                onClick={busy ? undefined : onDisconnect}
              >
                Disconnect
              </button>
            ) : null}
          </div>
        </td>
      ) : null}
    </tr>
  );
}
