import { useId, useMemo, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { browserTimeZone, knownTimeZones } from '../format.js';
import { useAction } from '../hooks.js';
import type { Workspace } from '../types.js';

interface CreateWorkspaceFormProps {
  organizationId: string;
  onCreated: (workspace: Workspace) => Promise<void>;
}

export function CreateWorkspaceForm({ organizationId, onCreated }: CreateWorkspaceFormProps) {
  const listId = useId();
  const zones = useMemo(knownTimeZones, []);
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const { busy, error, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(async () => {
      const { workspace } = await api.createWorkspace({
        organizationId,
        name: name.trim(),
        timezone: timezone.trim(),
      });
      setName('');
      await onCreated(workspace);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <TextField label="Workspace name" required value={name} onChange={(e) => setName(e.target.value)} />
      <TextField
        label="Time zone"
        hint="An IANA name such as Europe/Paris. Posts in this workspace are planned in this zone."
        required
        list={zones.length > 0 ? listId : undefined}
        autoComplete="off"
        value={timezone}
        onChange={(e) => setTimezone(e.target.value)}
      />
      {zones.length > 0 ? (
        <datalist id={listId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      ) : null}
      <ErrorAlert error={error} />
      <div>
        <button type="submit" aria-disabled={busy || undefined}>
          Create workspace
        </button>
      </div>
    </form>
  );
}
