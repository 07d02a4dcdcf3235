import { useId, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatDate } from '../format.js';
import type { AsyncResource } from '../hooks.js';
import { useAction } from '../hooks.js';
import { roleLabel } from '../roles.js';
import type { Invitation, RoleInfo, Workspace } from '../types.js';

interface PendingInvitationsProps {
  workspace: Workspace;
  resource: AsyncResource<Invitation[]>;
  roles: RoleInfo[] | undefined;
}

export function PendingInvitations({ workspace, resource, roles }: PendingInvitationsProps) {
  const idPrefix = useId();
  const [status, setStatus] = useState('');
  const [revoking, setRevoking] = useState<string | null>(null);
  const action = useAction();

  async function revoke(invitation: Invitation): Promise<void> {
    if (action.busy) return;
    setStatus('');
    setRevoking(invitation.id);
    await action.run(async () => {
      await api.revokeInvitation(workspace.id, invitation.id);
      resource.setData((list) => list?.filter((item) => item.id !== invitation.id));
      setStatus(`The invitation for ${invitation.email} was revoked.`);
    });
    setRevoking(null);
  }

  return (
    <div className="stack">
      <ErrorAlert error={resource.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {resource.loading && !resource.data ? <p className="muted">Loading invitations…</p> : null}
      {resource.data?.length === 0 ? <p className="muted">No pending invitations.</p> : null}
      {resource.data && resource.data.length > 0 ? (
        <ul className="rows">
          {resource.data.map((invitation) => {
            const labelId = `${idPrefix}-${invitation.id}`;
            return (
              <li key={invitation.id} className="row">
                <div className="row-main">
                  <strong id={labelId} className="break">
                    {invitation.email}
                  </strong>
                  <span className="muted">
                    {roleLabel(invitation.role, roles)}
                    {invitation.invitedByName ? ` · invited by ${invitation.invitedByName}` : ''} · expires{' '}
                    {formatDate(invitation.expiresAt)}
                  </span>
                </div>
                <button
                  type="button"
                  className="button-secondary"
                  aria-describedby={labelId}
                  aria-disabled={revoking === invitation.id || undefined}
                  onClick={() => void revoke(invitation)}
                >
                  Revoke
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
