import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { Delivery, Workspace } from '../types.js';

function isWebAddress(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

interface ResolveDeliveryProps {
  workspace: Workspace;
  delivery: Delivery;
  channelName: string;
  /** Called with the settled delivery and a sentence saying what happened. */
  onResolved: (delivery: Delivery, message: string) => void;
}

/**
 * For a delivery whose outcome Chorus could not learn: the person checks the channel, then says it was
 * published (with its address, if they have it) or sends it again, knowing that could duplicate it.
 */
export function ResolveDelivery({ workspace, delivery, channelName, onResolved }: ResolveDeliveryProps) {
  const [url, setUrl] = useState('');
  const { busy, error, setError, run } = useAction();

  function markPublished(): void {
    const address = url.trim();
    if (address && !isWebAddress(address)) {
      setError(
        new ApiError(
          0,
          'invalid_url',
          'Enter the full address of the post, starting with https://, or leave it empty.',
        ),
      );
      return;
    }
    void run(async () => {
      const { delivery: settled } = await api.resolveDelivery(
        workspace.id,
        delivery.id,
        address ? { as: 'published', url: address } : { as: 'published' },
      );
      setUrl('');
      onResolved(settled, `${channelName}: marked as published.`);
    });
  }

  function sendAgain(): void {
    const question =
      `Send the post to ${channelName} again? Chorus could not tell whether it arrived the first time. ` +
      `If it did, your audience will see it twice: check ${channelName} before you continue.`;
    if (!window.confirm(question)) return;
    void run(async () => {
      const { delivery: settled } = await api.resolveDelivery(workspace.id, delivery.id, {
        as: 'send_again',
      });
      onResolved(settled, `${channelName}: sending the post again.`);
    });
  }

  return (
    <div className="resolve">
      <p>
        <strong>Check {channelName}:</strong> is the post there?
      </p>
      <TextField
        label={`Address of the post on ${channelName} (optional)`}
        type="url"
        inputMode="url"
        autoComplete="off"
        placeholder="https://"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
      />
      <ErrorAlert error={error} />
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          aria-disabled={busy || undefined}
          onClick={busy ? undefined : markPublished}
        >
          It was published
        </button>
        <button
          type="button"
          className="button-secondary"
          aria-disabled={busy || undefined}
          onClick={busy ? undefined : sendAgain}
        >
          It was not — send again
        </button>
      </div>
    </div>
  );
}
