import { useId } from 'react';
import type { NetworkInfo } from '../types.js';

export type ConnectMethod = 'signin' | 'credential';

/** The way a channel is connected: by signing in on the network, or by entering a credential. */
export function defaultMethod(network: NetworkInfo | undefined): ConnectMethod {
  return network?.oauth ? 'signin' : 'credential';
}

/** Shown only for networks that offer both ways. */
export function ConnectMethodChoice({
  network,
  value,
  onChange,
}: {
  network: NetworkInfo;
  value: ConnectMethod;
  onChange: (method: ConnectMethod) => void;
}) {
  const name = useId();
  if (!network.oauth) return null;
  const options: { method: ConnectMethod; label: string }[] = [
    { method: 'signin', label: `Sign in with ${network.name} (recommended)` },
    {
      method: 'credential',
      label: `Enter ${network.auth.fields.map((f) => f.label.toLowerCase()).join(' and ')}`,
    },
  ];
  return (
    <fieldset className="stack">
      <legend>How to connect</legend>
      {options.map((option) => (
        <label key={option.method} className="checkbox">
          <input
            type="radio"
            name={name}
            value={option.method}
            checked={value === option.method}
            onChange={() => onChange(option.method)}
          />{' '}
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
