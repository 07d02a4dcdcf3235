import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { CopyableValue } from '../components/CopyableValue.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction } from '../hooks.js';
import { assignableRoles } from '../roles.js';
import type { CreatedInvitation, RoleId, RoleInfo, Workspace } from '../types.js';

function sentMessage(sent: CreatedInvitation): string {
  const email = sent.invitation.email;
  if (sent.emailSent) return `Invitation sent to ${email}.`;
  if (sent.acceptUrl) return `Invitation created for ${email}.`;
  return `Invitation created for ${email}, but the e-mail could not be sent. Revoke it and try again later.`;
}

interface InviteFormProps {
  workspace: Workspace;
  roles: RoleInfo[] | undefined;
  onSent: () => void;
}

export function InviteForm({ workspace, roles, onSent }: InviteFormProps) {
  const options = assignableRoles(roles);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleId>(
    options.some((o) => o.id === 'editor') ? 'editor' : (options[0]?.id ?? 'editor'),
  );
  const [sent, setSent] = useState<CreatedInvitation | null>(null);
  const { busy, error, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSent(null);
    void run(async () => {
      const created = await api.createInvitation(workspace.id, { email: email.trim(), role });
      setSent(created);
      setEmail('');
      onSent();
    });
  }

  const invitedEmail = sent?.invitation.email ?? '';
  return (
    <div className="stack">
      <form onSubmit={submit} noValidate className="inline-form">
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as RoleId)}>
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </SelectField>
        <button type="submit" aria-disabled={busy || undefined}>
          Send invitation
        </button>
      </form>
      <ErrorAlert error={error} />
      <StatusMessage>{sent ? sentMessage(sent) : ''}</StatusMessage>
      {sent?.acceptUrl ? (
        <div className="callout">
          <p>
            This server does not send e-mail, so pass this link on to {invitedEmail} yourself. It is shown
            only once and works for that address only.
          </p>
          <CopyableValue label="Invitation link" value={sent.acceptUrl} asLink />
        </div>
      ) : null}
    </div>
  );
}
