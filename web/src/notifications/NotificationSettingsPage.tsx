import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { knownTimeZones } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import type { EmailDelivery, NotificationPreferences, NotificationTypePreference } from '../types.js';

/** Short names for the types; the server's description says more. A type not listed shows its name. */
const TYPE_LABELS: Record<string, string> = {
  'channel.needs_reconnect': 'A channel needs reconnecting',
  'delivery.failed': 'A post could not be published',
  'delivery.unconfirmed': 'A post needs checking',
  'post.mentioned': 'You were mentioned in a comment',
  'approval.requested': 'A post waits for your approval',
  'approval.approved': 'Your post was approved',
  'approval.rejected': 'Your post was rejected',
  'approval.held': 'A post is held without approval',
  'approval.expired': 'An approval expired',
};

const EMAIL_CHOICES: { value: EmailDelivery; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'instant', label: 'Right away' },
  { value: 'digest', label: 'In the daily digest' },
];

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/**
 * The signed-in person's notification settings, for all their workspaces: for each type, in the app or not,
 * and by e-mail right away, in the daily digest or not at all; and when the digest goes out.
 */
export function NotificationSettingsPage() {
  useDocumentTitle('Notification settings');
  const loaded = useAsync((signal) => api.notificationPreferences(signal), []);

  return (
    <div className="stack">
      <PageHeading>Notification settings</PageHeading>
      <p className="lead">
        Choose how Chorus tells you about what needs you, in every workspace you are in: in the app (the
        bell), by e-mail right away, or gathered in one daily digest e-mail.
      </p>
      <ErrorAlert error={loaded.error} />
      {loaded.data ? (
        <PreferencesForm initial={loaded.data} />
      ) : loaded.error ? null : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}

function PreferencesForm({ initial }: { initial: NotificationPreferences }) {
  const [types, setTypes] = useState<NotificationTypePreference[]>(initial.types);
  const [hour, setHour] = useState(initial.digest.hour);
  const [timeZone, setTimeZone] = useState(initial.digest.timeZone);
  const [status, setStatus] = useState('');
  const save = useAction();

  const zones = knownTimeZones();
  const zoneOptions = zones.includes(timeZone) ? zones : [timeZone, ...zones];

  function change(type: string, patch: Partial<NotificationTypePreference>): void {
    setTypes((list) => list.map((p) => (p.type === type ? { ...p, ...patch } : p)));
    setStatus('');
  }

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    await save.run(async () => {
      const saved = await api.updateNotificationPreferences({
        types: types.map(({ type, inApp, email }) => ({ type, inApp, email })),
        digest: { hour, timeZone },
      });
      setTypes(saved.types);
      setHour(saved.digest.hour);
      setTimeZone(saved.digest.timeZone);
      setStatus('Notification settings saved.');
    });
  }

  return (
    <form className="stack" onSubmit={(event) => void submit(event)}>
      {initial.emailConfigured ? null : (
        <div className="callout" role="note">
          <p>
            E-mail is not set up on this server, so Chorus sends no e-mail for now. Your e-mail choices are
            kept and apply once an administrator sets it up.
          </p>
        </div>
      )}
      <table className="responsive-table notification-preferences">
        <caption className="visually-hidden">How you are told about each kind of notification</caption>
        <thead>
          <tr>
            <th scope="col">Notification</th>
            <th scope="col">In the app</th>
            <th scope="col">By e-mail</th>
          </tr>
        </thead>
        <tbody>
          {types.map((p) => {
            const label = TYPE_LABELS[p.type] ?? p.type;
            return (
              <tr key={p.type}>
                <th scope="row" data-label="Notification">
                  <span className="notification-type-label">{label}</span>
                  <span className="hint">{p.description}</span>
                </th>
                <td data-label="In the app">
                  <input
                    type="checkbox"
                    aria-label={`${label}: in the app`}
                    checked={p.inApp}
                    onChange={(e) => change(p.type, { inApp: e.target.checked })}
                  />
                </td>
                <td data-label="By e-mail">
                  <select
                    aria-label={`${label}: by e-mail`}
                    value={p.email}
                    onChange={(e) => change(p.type, { email: e.target.value as EmailDelivery })}
                  >
                    {EMAIL_CHOICES.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <fieldset className="panel">
        <legend>Daily digest</legend>
        <p className="hint">
          One e-mail a day listing the notifications you chose to get in the digest, sent only when there is
          something to tell.
        </p>
        <div className="row">
          <SelectField
            label="Digest time"
            value={hour}
            onChange={(e) => {
              setHour(Number(e.target.value));
              setStatus('');
            }}
          >
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {hourLabel(h)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Time zone"
            value={timeZone}
            onChange={(e) => {
              setTimeZone(e.target.value);
              setStatus('');
            }}
          >
            {zoneOptions.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </SelectField>
        </div>
      </fieldset>
      <ErrorAlert error={save.error} />
      <div>
        <button type="submit" aria-disabled={save.busy || undefined}>
          Save notification settings
        </button>
      </div>
      <StatusMessage>{status}</StatusMessage>
    </form>
  );
}
