import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { useAction, useDocumentTitle } from '../hooks.js';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => Promise<void> }) {
  useDocumentTitle('Log in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(async () => {
      await api.login({ email, password });
      await onLoggedIn();
    });
  }

  return (
    <AuthLayout>
      <PageHeading>Log in</PageHeading>
      <form onSubmit={submit} noValidate className="stack">
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </AuthLayout>
  );
}
