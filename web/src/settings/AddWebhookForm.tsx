import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { CreateWebhookInput, WebhookEventInfo, WebhookWithSecret, Workspace } from '../types.js';

interface AddWebhookFormProps {
  workspace: Workspace;
  /** The events endpoints can subscribe to; undefined while they load. */
  events: WebhookEventInfo[] | undefined;
  onCreated: (created: WebhookWithSecret) => void;
}

function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? (list.includes(value) ? list : [...list, value]) : list.filter((item) => item !== value);
}

export function AddWebhookForm({ workspace, events, onCreated }: AddWebhookFormProps) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const { busy, error, setError, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!url.trim()) {
      setError(new ApiError(0, 'invalid_request', 'Enter the URL Chorus should send events to.'));
      return;
    }
    if (chosen.length === 0) {
      setError(new ApiError(0, 'invalid_request', 'Choose at least one event to send to this endpoint.'));
      return;
    }
    const input: CreateWebhookInput = { url: url.trim(), events: chosen };
    if (description.trim()) input.description = description.trim();
    void run(async () => {
      const created = await api.createWebhook(workspace.id, input);
      setUrl('');
      setDescription('');
      setChosen([]);
      onCreated(created);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <TextField
        label="Endpoint URL"
        hint="Chorus sends each event here as a signed POST request. Use https:// (plain http:// only works for this machine)."
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        required
        placeholder="https://example.com/hooks/chorus"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
      />
      <TextField
        label="Description"
        hint="Optional: what receives these events, such as “Order system”."
        autoComplete="off"
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <fieldset>
        <legend>Events</legend>
        {events === undefined ? <p className="muted">Loading events…</p> : null}
        <div className="checkbox-grid">
          {(events ?? []).map((item) => (
            <Checkbox
              key={item.type}
              label={<code>{item.type}</code>}
              description={item.description}
              checked={chosen.includes(item.type)}
              onChange={(e) => setChosen((list) => toggle(list, item.type, e.target.checked))}
            />
          ))}
        </div>
      </fieldset>
      <ErrorAlert error={error} />
      <div>
        <button type="submit" aria-disabled={busy || undefined}>
          Add endpoint
        </button>
      </div>
    </form>
  );
}
