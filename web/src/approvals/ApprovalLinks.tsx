import { useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatInZone } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import type { Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import type { ApprovalLink } from './approvals-api.js';
import { SendToClientForm } from './SendToClientForm.js';

function linkState(link: ApprovalLink): string {
  if (link.revokedAt) return 'Revoked';
  if (Date.parse(link.expiresAt) <= Date.now()) return 'Expired';
  return link.lastUsedAt ? 'Opened' : 'Sent';
}

/** The links e-mailed for one request, with Revoke, and a form to send another. */
export function ApprovalLinks({
  workspace,
  requestId,
  pending,
  onStatus,
}: {
  workspace: Workspace;
  requestId: string;
  pending: boolean;
  onStatus: (message: string) => void;
}) {
  const links = useAsync(
    (signal) => approvalsApi.links(workspace.id, requestId, signal).then((r) => r.links),
    [workspace.id, requestId],
  );
  const revoke = useAction();
  const [open, setOpen] = useState(false);
  const zone = workspace.timezone;

  return (
    <section className="stack-tight" aria-label="Links for clients">
      <h3>Links for clients</h3>
      <ErrorAlert error={links.error} />
      {links.data && links.data.length === 0 ? (
        <p className="muted">No link was sent for this version.</p>
      ) : null}
      {links.data && links.data.length > 0 ? (
        <ul className="rows" aria-label="Sent links">
          {links.data.map((link) => {
            const state = linkState(link);
            return (
              <li key={link.id} className="row">
                <div className="row-main">
                  <span className="row-title">
                    <strong>{link.email}</strong> <span className="badge">{state}</span>
                  </span>
                  <span className="hint">
                    Sent <time dateTime={link.createdAt}>{formatInZone(link.createdAt, zone)}</time>
                    {link.createdBy ? ` by ${link.createdBy.name}` : ''}; expires{' '}
                    <time dateTime={link.expiresAt}>{formatInZone(link.expiresAt, zone)}</time>
                  </span>
                </div>
                {!link.revokedAt && state !== 'Expired' ? (
                  <button
                    type="button"
                    className="button-danger"
                    aria-disabled={revoke.busy || undefined}
                    aria-label={`Revoke the link sent to ${link.email}`}
                    onClick={() =>
                      void revoke.run(async () => {
                        await approvalsApi.revokeLink(workspace.id, link.id);
                        onStatus(`The link sent to ${link.email} no longer works.`);
                        links.reload();
                      })
                    }
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <ErrorAlert error={revoke.error} />
      {pending && !open ? (
        <div>
          <button
            type="button"
            className="button-secondary"
            aria-expanded={false}
            onClick={() => setOpen(true)}
          >
            Send to a client
          </button>
        </div>
      ) : null}
      {pending && open ? (
        <SendToClientForm
          workspaceId={workspace.id}
          requestIds={[requestId]}
          onCancel={() => setOpen(false)}
          onSent={(link) => {
            setOpen(false);
            onStatus(`A link to approve the post was e-mailed to ${link.email}.`);
            links.reload();
          }}
        />
      ) : null}
    </section>
  );
}
