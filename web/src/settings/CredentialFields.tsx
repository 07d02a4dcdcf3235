import { TextAreaField, TextField } from '../components/Fields.js';
import type { ChannelCredential, NetworkCredentialField, NetworkInfo } from '../types.js';

/** Fields whose value is a block of text (a body template) rather than a single line. */
const MULTILINE_FIELDS = new Set(['template']);

/** The credential to send: every filled-in field, trimmed; empty optional fields are left out. */
export function credentialFrom(
  network: NetworkInfo,
  values: ChannelCredential,
  fields: NetworkCredentialField[] = network.auth.fields,
): ChannelCredential {
  const credential: ChannelCredential = {};
  for (const field of fields) {
    const value = values[field.name]?.trim() ?? '';
    if (value) credential[field.name] = value;
  }
  return credential;
}

/** The values with every secret field emptied, so secrets do not stay in memory after a submit. */
export function withoutSecrets(
  network: NetworkInfo,
  values: ChannelCredential,
  fields: NetworkCredentialField[] = network.auth.fields,
): ChannelCredential {
  const kept: ChannelCredential = {};
  for (const field of fields) {
    const value = values[field.name];
    if (!field.secret && value !== undefined) kept[field.name] = value;
  }
  return kept;
}

interface CredentialFieldsProps {
  network: NetworkInfo;
  values: ChannelCredential;
  onChange: (values: ChannelCredential) => void;
  /** Signing in asks only the network's sign-in fields (a Mastodon server address), nothing secret. */
  signIn?: boolean;
}

/** One input per credential field the network asks for, with a link to the network's own instructions. */
export function CredentialFields({ network, values, onChange, signIn = false }: CredentialFieldsProps) {
  const fields = signIn ? (network.oauth?.fields ?? []) : network.auth.fields;
  function field(item: NetworkCredentialField) {
    const common = {
      label: item.label,
      hint: item.help,
      autoComplete: 'off',
      value: values[item.name] ?? '',
    };
    if (MULTILINE_FIELDS.has(item.name) && !item.secret) {
      return (
        <TextAreaField
          key={item.name}
          {...common}
          rows={4}
          spellCheck={false}
          onChange={(e) => onChange({ ...values, [item.name]: e.target.value })}
        />
      );
    }
    return (
      <TextField
        key={item.name}
        {...common}
        type={item.secret ? 'password' : 'text'}
        spellCheck={false}
        autoCapitalize="off"
        onChange={(e) => onChange({ ...values, [item.name]: e.target.value })}
      />
    );
  }

  if (signIn) {
    return (
      <fieldset className="stack">
        <legend>Sign in with {network.name}</legend>
        <p className="hint">
          Chorus sends you to {network.name} to approve access, then brings you back here. Your password stays
          with {network.name}; Chorus keeps only the access it is granted, encrypted.
        </p>
        {fields.map(field)}
      </fieldset>
    );
  }

  return (
    <fieldset className="stack">
      <legend>{network.name} credential</legend>
      <p className="hint">
        Chorus checks the credential with {network.name} before saving it, stores it encrypted and never shows
        it again. Secret fields are emptied after each attempt.
      </p>
      <p>
        <a href={network.docsUrl} target="_blank" rel="noopener noreferrer">
          How to set it up<span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      </p>
      {fields.map(field)}
    </fieldset>
  );
}
