import { useEffect, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useAction } from '../hooks.js';
import type { Channel, ChannelCredential, NetworkInfo, Workspace } from '../types.js';
import { CredentialFields, credentialFrom, withoutSecrets } from './CredentialFields.js';
import { goTo } from './ConnectChannelForm.js';
import { ConnectMethodChoice, defaultMethod, type ConnectMethod } from './ConnectMethod.js';

interface ReconnectChannelFormProps {
  workspace: Workspace;
  channel: Channel;
  /** The networks this server offers; undefined while they load. */
  networks: NetworkInfo[] | undefined;
  onReconnected: (channel: Channel) => void;
  onCancel: () => void;
}

/** A panel that takes a new credential for one channel; its heading receives focus when it opens. */
export function ReconnectChannelForm({
  workspace,
  channel,
  networks,
  onReconnected,
  onCancel,
}: ReconnectChannelFormProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [values, setValues] = useState<ChannelCredential>({});
  const { busy, error, run } = useAction();
  const network = networks?.find((candidate) => candidate.id === channel.network);
  const [chosen, setChosen] = useState<ConnectMethod | null>(null);
  const method = chosen ?? defaultMethod(network);
  const signIn = method === 'signin' && !!network?.oauth;

  useEffect(() => {
    headingRef.current?.focus();
  }, [channel.id]);

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!network || busy) return;
    if (signIn) {
      const fields = credentialFrom(network, values, network.oauth?.fields);
      void run(async () => {
        const { authorizeUrl } = await api.startChannelSignIn(workspace.id, {
          network: network.id,
          channelId: channel.id,
          fields,
        });
        goTo(authorizeUrl);
      });
      return;
    }
    const credential = credentialFrom(network, values);
    setValues(withoutSecrets(network, values));
    void run(async () => {
      const { channel: updated } = await api.reconnectChannel(workspace.id, channel.id, credential);
      setValues({});
      onReconnected(updated);
    });
  }

  return (
    <section
      className="panel"
      aria-labelledby="reconnect-heading"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <h3 id="reconnect-heading" ref={headingRef} tabIndex={-1}>
        Reconnect {channel.name}
      </h3>
      {network ? (
        <form onSubmit={submit} noValidate className="stack">
          <p className="lead">
            {signIn
              ? `Sign in to ${network.name} again for this channel. The old access is replaced only once the new one works.`
              : `Enter a new credential for this ${network.name} channel. The old one is replaced only once the new one works.`}
          </p>
          <ConnectMethodChoice network={network} value={method} onChange={setChosen} />
          <CredentialFields network={network} values={values} onChange={setValues} signIn={signIn} />
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="submit" aria-disabled={busy || undefined}>
              {busy ? 'Reconnecting…' : signIn ? `Continue to ${network.name}` : 'Reconnect channel'}
            </button>
            <button type="button" className="button-secondary" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      ) : networks === undefined ? (
        <p className="muted">Loading networks…</p>
      ) : (
        <div className="stack">
          <p className="muted">
            This server no longer offers the {channel.network} network, so the channel cannot be reconnected.
          </p>
          <div>
            <button type="button" className="button-secondary" onClick={onCancel}>
              Close
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
