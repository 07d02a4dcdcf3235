import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, TextAreaField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { nextHourIn } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { Link, navigate } from '../router.js';
import type { Channel, CreatePostInput, PostSchedule, Workspace } from '../types.js';
import { ScheduleFields } from './ScheduleFields.js';
import type { WhenMode } from './ScheduleFields.js';

const WHEN_OPTIONS: { mode: WhenMode; label: string }[] = [
  { mode: 'now', label: 'Now' },
  { mode: 'time', label: 'At a time' },
  { mode: 'draft', label: 'Save as draft' },
];

const SUBMIT_LABELS: Record<WhenMode, string> = {
  now: 'Publish now',
  time: 'Schedule post',
  draft: 'Save draft',
};

/** Why a channel cannot be chosen, or what choosing it means; null when there is nothing to say. */
function channelNote(channel: Channel): string | null {
  if (channel.status === 'disconnected') {
    return 'Disconnected: reconnect it in Settings → Channels to publish to it.';
  }
  if (channel.status === 'needs_reconnect') {
    return 'Needs reconnecting: the post waits until someone reconnects it.';
  }
  return null;
}

export function ComposePage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Compose', workspace.name);
  const channels = useAsync(
    (signal) => api.channels(workspace.id, signal).then((r) => r.channels),
    [workspace.id],
  );
  const [body, setBody] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  /** Per-channel text; a channel absent from the map uses the post's text. */
  const [custom, setCustom] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<WhenMode>('now');
  const [local, setLocal] = useState(() => nextHourIn(workspace.timezone));
  const { busy, error, setError, run } = useAction();
  const canPublish = can(workspace, 'posts.publish');

  const available = channels.data ?? [];
  const usable = available.filter((channel) => channel.status !== 'disconnected');

  function toggle(channel: Channel, on: boolean): void {
    setChosen((list) => (on ? [...list, channel.id] : list.filter((id) => id !== channel.id)));
  }

  function customize(channel: Channel, on: boolean): void {
    setCustom((map) => {
      const next = { ...map };
      if (on) next[channel.id] = map[channel.id] ?? body;
      else delete next[channel.id];
      return next;
    });
  }

  /** What is missing before the server is asked, in words; null when the form is complete. */
  function problem(): string | null {
    const picked = chosen.filter((id) => usable.some((channel) => channel.id === id));
    if (picked.length === 0) return 'Choose at least one channel to publish to.';
    if (!body.trim() && picked.some((id) => !(custom[id] ?? '').trim())) {
      return 'Write the text of the post.';
    }
    if (mode === 'time' && !local) return 'Choose the date and time to publish at.';
    return null;
  }

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    const missing = problem();
    if (missing) {
      setError(new ApiError(0, 'incomplete', missing));
      return;
    }
    const schedule: PostSchedule | null = mode === 'now' ? { at: 'now' } : mode === 'time' ? { local } : null;
    const input: CreatePostInput = {
      body,
      channels: chosen
        .filter((id) => usable.some((channel) => channel.id === id))
        .map((channelId) =>
          custom[channelId] !== undefined ? { channelId, body: custom[channelId] } : { channelId },
        ),
      schedule,
    };
    void run(async () => {
      const { post } = await api.createPost(workspace.id, input);
      navigate(workspacePath(workspace, `posts/${encodeURIComponent(post.id)}?created=${mode}`), {
        focusHeading: true,
      });
    });
  }

  return (
    <div className="stack">
      <PageHeading>Compose</PageHeading>
      <p className="lead">Write a post for {workspace.name} and choose where and when it goes out.</p>
      {!canPublish ? (
        <p className="callout">
          Your role needs approval to publish: the post waits until someone who can publish approves it.
        </p>
      ) : null}
      <ErrorAlert error={channels.error} />
      {channels.loading && !channels.data ? <p className="muted">Loading channels…</p> : null}
      {channels.data && available.length === 0 ? (
        <p className="placeholder">
          There are no channels to publish to yet.{' '}
          {can(workspace, 'channels.manage') ? (
            <Link to={workspacePath(workspace, 'settings/channels')}>Connect a channel</Link>
          ) : (
            'Ask someone who manages channels to connect one.'
          )}
        </p>
      ) : null}
      {channels.data && available.length > 0 ? (
        <form onSubmit={submit} noValidate className="stack compose-form">
          <TextAreaField
            label="Post text"
            rows={6}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            className="post-text-field"
          />
          <fieldset className="stack">
            <legend>Channels</legend>
            <ul className="channel-choices">
              {available.map((channel) => {
                const disabled = channel.status === 'disconnected';
                const picked = !disabled && chosen.includes(channel.id);
                const own = custom[channel.id];
                return (
                  <li key={channel.id}>
                    <Checkbox
                      label={channel.name}
                      description={channelNote(channel)}
                      disabled={disabled}
                      checked={picked}
                      onChange={(e) => toggle(channel, e.target.checked)}
                    />
                    {picked ? (
                      <div className="channel-custom">
                        <Checkbox
                          label={`Customize for ${channel.name}`}
                          checked={own !== undefined}
                          onChange={(e) => customize(channel, e.target.checked)}
                        />
                        {own !== undefined ? (
                          <TextAreaField
                            label={`Text for ${channel.name}`}
                            hint="Used on this channel instead of the post text."
                            rows={4}
                            value={own}
                            onChange={(e) => setCustom((map) => ({ ...map, [channel.id]: e.target.value }))}
                          />
                        ) : null}
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </fieldset>
          <ScheduleFields
            legend="When"
            options={WHEN_OPTIONS}
            mode={mode}
            onModeChange={setMode}
            local={local}
            onLocalChange={setLocal}
            timeZone={workspace.timezone}
          />
          <ErrorAlert error={error} />
          <div>
            <button type="submit" aria-disabled={busy || undefined}>
              {busy ? 'Saving…' : SUBMIT_LABELS[mode]}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
