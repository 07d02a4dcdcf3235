import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { useAction, useDocumentTitle } from '../hooks.js';

/** First run: creates the first user, their organization and a workspace, and logs them in. */
export function SetupPage({ onDone }: { onDone: () => Promise<void> }) {
  useDocumentTitle('Set up');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organizationName, setOrganizationName] = useState('');
  const [workspaceName, setWorkspaceName] = useState('');
  const { busy, error, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(async () => {
      await api.setup({ name, email, password, organizationName, workspaceName });
      await onDone();
    });
  }

  return (
    <AuthLayout>
      <PageHeading>Set up Chorus</PageHeading>
      <p className="lead">
        Create the first account. You will own the organization and can invite your team next.
      </p>
      <form onSubmit={submit} noValidate className="stack">
        <TextField
          label="Your name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters."
          required
          minLength={12}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <TextField
          label="Organization name"
          autoComplete="organization"
          required
          value={organizationName}
          onChange={(e) => setOrganizationName(e.target.value)}
        />
        <TextField
          label="First workspace name"
          hint="A workspace holds the accounts, posts and people of one brand or client."
          required
          value={workspaceName}
          onChange={(e) => setWorkspaceName(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
