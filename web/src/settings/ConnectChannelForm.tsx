import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction } from '../hooks.js';
import type { Channel, ChannelCredential, ConnectChannelInput, NetworkInfo, Workspace } from '../types.js';
import { CredentialFields, credentialFrom, withoutSecrets } from './CredentialFields.js';
import { ConnectMethodChoice, defaultMethod, type ConnectMethod } from './ConnectMethod.js';

/** Sends the browser to the network's sign-in page; Chorus continues at /oauth/callback. */
export function goTo(url: string): void {
  window.location.assign(url);
}

interface ConnectChannelFormProps {
  workspace: Workspace;
  networks: NetworkInfo[];
  onConnected: (channel: Channel) => void;
}

export function ConnectChannelForm({ workspace, networks, onConnected }: ConnectChannelFormProps) {
  const [networkId, setNetworkId] = useState(networks[0]?.id ?? '');
  const [name, setName] = useState('');
  const [values, setValues] = useState<ChannelCredential>({});
  const [status, setStatus] = useState('');
  const { busy, error, setError, run } = useAction();
  const network = networks.find((candidate) => candidate.id === networkId);
  const [method, setMethod] = useState<ConnectMethod>(defaultMethod(network));
  const signIn = method === 'signin' && !!network?.oauth;

  function chooseNetwork(id: string): void {
    setNetworkId(id);
    setMethod(defaultMethod(networks.find((candidate) => candidate.id === id)));
    setValues({});
    setError(null);
  }

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!network || busy) return;
    setStatus('');
    if (signIn) {
      const fields = credentialFrom(network, values, network.oauth?.fields);
      void run(async () => {
        const { authorizeUrl } = await api.startChannelSignIn(workspace.id, {
          network: network.id,
          fields,
          ...(name.trim() ? { name: name.trim() } : {}),
        });
        setStatus(`Opening ${network.name}…`);
        goTo(authorizeUrl);
      });
      return;
    }
    const input: ConnectChannelInput = { network: network.id, credential: credentialFrom(network, values) };
    if (name.trim()) input.name = name.trim();
    // The secrets now live only in the request; the form keeps what the user can see again.
    setValues(withoutSecrets(network, values));
    void run(async () => {
      const { channel } = await api.connectChannel(workspace.id, input);
      // The network stays chosen, ready for another channel on it.
      setName('');
      setValues({});
      setStatus('Channel connected');
      onConnected(channel);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <SelectField label="Network" value={networkId} onChange={(e) => chooseNetwork(e.target.value)}>
        {networks.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Channel name"
        hint="Optional. Leave empty to use the account name the network reports."
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      {network ? (
        <ConnectMethodChoice
          network={network}
          value={method}
          onChange={(next) => {
            setMethod(next);
            setError(null);
          }}
        />
      ) : null}
      {network ? (
        <CredentialFields network={network} values={values} onChange={setValues} signIn={signIn} />
      ) : null}
      <ErrorAlert error={error} />
      <StatusMessage>{status}</StatusMessage>
      <div>
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Connecting…' : signIn ? `Continue to ${network?.name ?? 'sign in'}` : 'Connect channel'}
        </button>
      </div>
    </form>
  );
}
