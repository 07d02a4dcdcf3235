import { useId, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatDate, formatDateTime } from '../format.js';
import { useAction } from '../hooks.js';
import type { AsyncResource } from '../hooks.js';
import { useSession } from '../session.js';
import type { ApiToken } from '../types.js';

function tokenState(token: ApiToken): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now()) return 'expired';
  return 'active';
}

const STATE_LABELS = { active: 'Active', revoked: 'Revoked', expired: 'Expired' } as const;

export function TokenList({ resource }: { resource: AsyncResource<ApiToken[]> }) {
  const { me } = useSession();
  const idPrefix = useId();
  const [status, setStatus] = useState('');
  const [revoking, setRevoking] = useState<string | null>(null);
  const action = useAction();
  const workspaceName = (id: string): string => me.workspaces.find((w) => w.id === id)?.name ?? id;

  async function revoke(token: ApiToken): Promise<void> {
    if (action.busy) return;
    setStatus('');
    setRevoking(token.id);
    await action.run(async () => {
      await api.revokeToken(token.id);
      const now = new Date().toISOString();
      resource.setData((list) =>
        list?.map((t) => (t.id === token.id ? { ...t, revokedAt: t.revokedAt ?? now } : t)),
      );
      setStatus(`Token ${token.name} was revoked. Anything using it can no longer call the API.`);
    });
    // The Revoke button is gone now; keep keyboard focus on the same token.
    document.getElementById(`${idPrefix}-${token.id}`)?.focus();
    setRevoking(null);
  }

  return (
    <div className="stack">
      <ErrorAlert error={resource.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {resource.loading && !resource.data ? <p className="muted">Loading tokens…</p> : null}
      {resource.data?.length === 0 ? <p className="muted">You have no API tokens.</p> : null}
      {resource.data && resource.data.length > 0 ? (
        <ul className="rows">
          {resource.data.map((token) => {
            const state = tokenState(token);
            const nameId = `${idPrefix}-${token.id}`;
            return (
              <li key={token.id} className={state === 'active' ? 'row' : 'row row-inactive'}>
                <div className="row-main">
                  <div className="row-title">
                    <strong id={nameId} tabIndex={-1}>
                      {token.name}
                    </strong>
                    <span className={`badge badge-${state}`}>{STATE_LABELS[state]}</span>
                  </div>
                  <dl className="facts">
                    <div>
                      <dt>Starts with</dt>
                      <dd>
                        <code>{token.prefix}…</code>
                      </dd>
                    </div>
                    <div>
                      <dt>Workspaces</dt>
                      <dd>{token.workspaceIds.map(workspaceName).join(', ') || '—'}</dd>
                    </div>
                    <div>
                      <dt>Permissions</dt>
                      <dd className="break">{token.permissions.join(', ') || '—'}</dd>
                    </div>
                    <div>
                      <dt>Created</dt>
                      <dd>{formatDate(token.createdAt)}</dd>
                    </div>
                    <div>
                      <dt>Last used</dt>
                      <dd>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}</dd>
                    </div>
                    <div>
                      <dt>{state === 'revoked' ? 'Revoked' : 'Expires'}</dt>
                      <dd>
                        {state === 'revoked' && token.revokedAt
                          ? formatDate(token.revokedAt)
                          : token.expiresAt
                            ? formatDate(token.expiresAt)
                            : 'Never'}
                      </dd>
                    </div>
                  </dl>
                </div>
                {state === 'active' ? (
                  <button
                    type="button"
                    className="button-secondary"
                    aria-describedby={nameId}
                    aria-disabled={revoking === token.id || undefined}
                    onClick={() => void revoke(token)}
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
