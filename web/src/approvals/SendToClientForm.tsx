import { useState } from 'react';
import type { FormEvent } from 'react';
import { TextField } from '../components/Fields.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useAction } from '../hooks.js';
import { approvalsApi } from './approvals-api.js';
import type { ApprovalLink } from './approvals-api.js';

export interface SendToClientFormProps {
  workspaceId: string;
  requestIds: string[];
  onSent: (link: ApprovalLink) => void;
  onCancel?: () => void;
}

/** E-mails someone without an account a link to approve the given requests. */
export function SendToClientForm({ workspaceId, requestIds, onSent, onCancel }: SendToClientFormProps) {
  const [email, setEmail] = useState('');
  const [days, setDays] = useState('7');
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const expiresInDays = Number(days);
      const { link } = await approvalsApi.createLink(workspaceId, {
        email: email.trim(),
        requestIds,
        ...(days.trim() && Number.isFinite(expiresInDays) ? { expiresInDays } : {}),
      });
      setEmail('');
      onSent(link);
    });
  }

  const count = requestIds.length;
  return (
    <form className="panel stack-tight send-to-client" aria-label="Send to a client" onSubmit={submit}>
      <p className="hint">
        {count === 1 ? 'The post' : `The ${String(count)} posts`} will be e-mailed as a link that works
        without an account: they can approve, ask for changes or reject, and comment.
      </p>
      <TextField
        label="Client’s e-mail"
        type="email"
        required
        autoComplete="off"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <TextField
        label="Link expires after (days)"
        className="field-narrow"
        type="number"
        min={1}
        max={30}
        value={days}
        onChange={(e) => setDays(e.target.value)}
        hint="From 1 to 30 days."
      />
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="submit" aria-disabled={action.busy || undefined}>
          Send link
        </button>
        {onCancel ? (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
