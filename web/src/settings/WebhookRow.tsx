import { formatDate, formatDateTime } from '../format.js';
import type { WebhookEndpoint } from '../types.js';

/** How an endpoint is named to people and screen readers: its description, or else its URL. */
export function endpointLabel(endpoint: WebhookEndpoint): string {
  return endpoint.description || endpoint.url;
}

interface WebhookRowProps {
  endpoint: WebhookEndpoint;
  canManage: boolean;
  busy: boolean;
  logOpen: boolean;
  /** Id of the delivery log panel this row's button opens. */
  logId: string;
  /** Prefix of the ids given to the row's buttons, so focus can return to them. */
  buttonIdPrefix: string;
  onToggleLog: () => void;
  onTest: () => void;
  onToggleEnabled: () => void;
  onRotate: () => void;
  onDelete: () => void;
}

export function WebhookRow({
  endpoint,
  canManage,
  busy,
  logOpen,
  logId,
  buttonIdPrefix,
  onToggleLog,
  onTest,
  onToggleEnabled,
  onRotate,
  onDelete,
}: WebhookRowProps) {
  const label = endpointLabel(endpoint);
  const guard = (action: () => void) => (busy ? undefined : action);

  return (
    <li className={endpoint.enabled ? 'row' : 'row row-inactive'}>
      <div className="row-main">
        <div className="row-title">
          <strong className="break">{endpoint.description || endpoint.url}</strong>
          <span className={endpoint.enabled ? 'badge badge-connected' : 'badge badge-disconnected'}>
            {endpoint.enabled ? 'Enabled' : 'Disabled'}
          </span>
        </div>
        {endpoint.description ? <code className="break">{endpoint.url}</code> : null}
        <dl className="facts">
          <div>
            <dt>Events</dt>
            <dd className="break">{endpoint.events.join(', ')}</dd>
          </div>
          <div>
            <dt>Added</dt>
            <dd>{formatDate(endpoint.createdAt)}</dd>
          </div>
          {!endpoint.enabled && endpoint.disabledAt ? (
            <div>
              <dt>Disabled</dt>
              <dd>
                <time dateTime={endpoint.disabledAt}>{formatDateTime(endpoint.disabledAt)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
        {endpoint.disabledReason ? (
          <p className="channel-error">
            <span className="channel-error-label">Disabled by Chorus:</span> {endpoint.disabledReason}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button
          type="button"
          id={`${buttonIdPrefix}-log`}
          className="button-secondary"
          aria-label={`Delivery log of ${label}`}
          aria-expanded={logOpen}
          aria-controls={logOpen ? logId : undefined}
          onClick={onToggleLog}
        >
          Delivery log
        </button>
        {canManage ? (
          <>
            {endpoint.enabled ? (
              <button
                type="button"
                className="button-secondary"
                aria-label={`Send a test event to ${label}`}
                aria-disabled={busy || undefined}
                onClick={guard(onTest)}
              >
                Send test
              </button>
            ) : null}
            <button
              type="button"
              id={`${buttonIdPrefix}-toggle`}
              className="button-secondary"
              aria-label={`${endpoint.enabled ? 'Disable' : 'Enable'} ${label}`}
              aria-disabled={busy || undefined}
              onClick={guard(onToggleEnabled)}
            >
              {endpoint.enabled ? 'Disable' : 'Enable'}
            </button>
            <button
              type="button"
              className="button-secondary"
              aria-label={`Rotate the signing secret of ${label}`}
              aria-disabled={busy || undefined}
              onClick={guard(onRotate)}
            >
              Rotate secret
            </button>
            <button
              type="button"
              className="button-danger"
              aria-label={`Delete ${label}`}
              aria-disabled={busy || undefined}
              onClick={guard(onDelete)}
            >
              Delete
            </button>
          </>
        ) : null}
      </div>
    </li>
  );
}
