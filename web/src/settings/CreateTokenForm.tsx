import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import { useSession } from '../session.js';
import type { CreatedToken, CreateTokenInput, PermissionInfo, Workspace } from '../types.js';

interface CreateTokenFormProps {
  workspace: Workspace;
  permissions: PermissionInfo[] | undefined;
  onCreated: (created: CreatedToken) => void;
}

function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? (list.includes(value) ? list : [...list, value]) : list.filter((item) => item !== value);
}

function parseDays(value: string): number | undefined | null {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const days = Number(trimmed);
  return Number.isInteger(days) && days >= 1 ? days : null;
}

export function CreateTokenForm({ workspace, permissions, onCreated }: CreateTokenFormProps) {
  const { me } = useSession();
  const [name, setName] = useState('');
  const [workspaceIds, setWorkspaceIds] = useState<string[]>([workspace.id]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const { busy, error, setError, run } = useAction();
  // A token can only carry permissions its creator holds in this workspace.
  const available = (permissions ?? []).filter((permission) => workspace.permissions.includes(permission.id));

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    const expiresInDays = parseDays(expires);
    if (expiresInDays === null) {
      setError(new ApiError(0, 'invalid_request', 'Expires in days must be a whole number of 1 or more.'));
      return;
    }
    const input: CreateTokenInput = { name: name.trim(), workspaceIds, permissions: chosen };
    if (expiresInDays !== undefined) input.expiresInDays = expiresInDays;
    void run(async () => {
      const created = await api.createToken(input);
      setName('');
      setChosen([]);
      setExpires('');
      onCreated(created);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <TextField
        label="Token name"
        hint="Something that tells you later what uses it, such as “Reporting script”."
        required
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <fieldset>
        <legend>Workspaces</legend>
        <div className="checkbox-grid">
          {me.workspaces.map((item) => (
            <Checkbox
              key={item.id}
              label={item.name}
              checked={workspaceIds.includes(item.id)}
              onChange={(e) => setWorkspaceIds((list) => toggle(list, item.id, e.target.checked))}
            />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Permissions</legend>
        {permissions === undefined ? <p className="muted">Loading permissions…</p> : null}
        {permissions !== undefined && available.length === 0 ? (
          <p className="muted">Your role in this workspace has no permissions to delegate.</p>
        ) : null}
        <div className="checkbox-grid">
          {available.map((permission) => (
            <Checkbox
              key={permission.id}
              label={<code>{permission.id}</code>}
              description={permission.description}
              checked={chosen.includes(permission.id)}
              onChange={(e) => setChosen((list) => toggle(list, permission.id, e.target.checked))}
            />
          ))}
        </div>
      </fieldset>
      <TextField
        label="Expires in days"
        hint="Optional. Leave empty for a token that does not expire."
        type="number"
        inputMode="numeric"
        min={1}
        step={1}
        className="field-narrow"
        value={expires}
        onChange={(e) => setExpires(e.target.value)}
      />
      <ErrorAlert error={error} />
      <div>
        <button type="submit" aria-disabled={busy || undefined}>
          Create token
        </button>
      </div>
    </form>
  );
}
