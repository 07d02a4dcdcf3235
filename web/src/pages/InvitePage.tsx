import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { roleLabel } from '../roles.js';
import { Link, useLocation } from '../router.js';
import type { InvitationPreview } from '../types.js';

/** Reads the invitation token from the URL fragment (`/invite#token=…`), which never reaches a server. */
function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token && token.trim() ? token.trim() : null;
}

export function InvitePage({ onAccepted }: { onAccepted: (preview: InvitationPreview) => Promise<void> }) {
  useDocumentTitle('Invitation');
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  const preview = useAsync(
    (signal) =>
      token
        ? api.previewInvitation(token, signal)
        : Promise.reject(
            new ApiError(
              0,
              'invalid_request',
              'This invitation link is incomplete. Open the full link from the invitation.',
            ),
          ),
    [token],
  );

  return (
    <AuthLayout>
      {preview.data ? (
        <AcceptForm token={token ?? ''} preview={preview.data} onAccepted={onAccepted} />
      ) : preview.error ? (
        <>
          <PageHeading>Invitation</PageHeading>
          <ErrorAlert error={preview.error} />
          <p>
            Ask the person who invited you for a new invitation, or <Link to="/login">log in</Link> if you
            already have access.
          </p>
        </>
      ) : (
        <>
          <PageHeading>Invitation</PageHeading>
          <p role="status">Checking the invitation…</p>
        </>
      )}
    </AuthLayout>
  );
}

interface AcceptFormProps {
  token: string;
  preview: InvitationPreview;
  onAccepted: (preview: InvitationPreview) => Promise<void>;
}

function AcceptForm({ token, preview, onAccepted }: AcceptFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const isNewUser = !preview.userExists;

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(async () => {
      await api.acceptInvitation(isNewUser ? { token, name, password } : { token, password });
      await onAccepted(preview);
    });
  }

  return (
    <>
      <PageHeading>
        You're invited to {preview.workspaceName} as {roleLabel(preview.role)}
      </PageHeading>
      <p className="lead">
        {preview.organizationName} invited <strong>{preview.email}</strong>.{' '}
        {isNewUser
          ? 'Choose your name and a password to create your account.'
          : 'You already have a Chorus account: enter its password to join.'}
      </p>
      <form onSubmit={submit} noValidate className="stack">
        {isNewUser ? (
          <TextField
            label="Your name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        ) : null}
        <input type="email" name="username" autoComplete="username" value={preview.email} readOnly hidden />
        <TextField
          label="Password"
          type="password"
          autoComplete={isNewUser ? 'new-password' : 'current-password'}
          hint={isNewUser ? 'At least 12 characters.' : undefined}
          required
          minLength={isNewUser ? 12 : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Accepting…' : 'Accept invitation'}
        </button>
      </form>
    </>
  );
}
