import { useEffect, useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox } from '../components/Fields.js';
import { nextHourIn } from '../format.js';
import { useAction } from '../hooks.js';
import { can } from '../permissions.js';
import type { Channel, PlannedPost, PlanSchedule, PostChannelInput, Workspace } from '../types.js';

type Mode = 'queue' | 'time';

interface TurnIntoPostProps {
  workspace: Workspace;
  post: PlannedPost;
  /** The post's name as the list shows it. */
  name: string;
  channels: Channel[] | undefined;
  onDone: (post: PlannedPost) => void;
  onCancel: () => void;
}

/**
 * Schedules an idea or a draft: the channels, and either the channels' next free queue slots or a date and
 * time read in the workspace's time zone.
 */
export function TurnIntoPost({ workspace, post, name, channels, onDone, onCancel }: TurnIntoPostProps) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [chosen, setChosen] = useState<string[]>(() => post.channels.map((c) => c.channelId));
  const [mode, setMode] = useState<Mode>('queue');
  const [local, setLocal] = useState(() => nextHourIn(workspace.timezone));
  const { busy, error, setError, run } = useAction();
  const usable = (channels ?? []).filter((channel) => channel.status !== 'disconnected');

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    const picked = chosen.filter((channelId) => usable.some((c) => c.id === channelId));
    if (picked.length === 0) {
      setError(new ApiError(0, 'incomplete', 'Choose at least one channel to publish to.'));
      return;
    }
    if (mode === 'time' && !local) {
      setError(new ApiError(0, 'incomplete', 'Choose the date and time to publish at.'));
      return;
    }
    // A draft's own text per channel stays as it was.
    const inputs: PostChannelInput[] = picked.map((channelId) => {
      const own = post.channels.find((c) => c.channelId === channelId);
      return own?.body != null ? { channelId, body: own.body } : { channelId };
    });
    const schedule: PlanSchedule = mode === 'queue' ? { queue: true } : { local };
    void run(async () => {
      const { post: updated } = await api.planPost(workspace.id, post.id, {
        kind: 'post',
        channels: inputs,
        schedule,
      });
      onDone(updated);
    });
  }

  return (
    <section className="panel turn-into-post" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        Turn “{name}” into a post
      </h3>
      {can(workspace, 'posts.publish') ? null : (
        <p className="hint">
          Your role needs approval to publish: once it is saved, submit the post for approval from its page.
        </p>
      )}
      <form onSubmit={submit} noValidate className="stack">
        <fieldset>
          <legend>Channels</legend>
          {channels === undefined ? <p className="muted">Loading channels…</p> : null}
          {channels && usable.length === 0 ? (
            <p className="muted">There are no connected channels. Connect one in Settings → Channels.</p>
          ) : null}
          <div className="checkbox-grid">
            {usable.map((channel) => (
              <Checkbox
                key={channel.id}
                label={channel.name}
                description={channel.status === 'connected' ? channel.network : 'Needs reconnecting'}
                checked={chosen.includes(channel.id)}
                onChange={(e) =>
                  setChosen((list) =>
                    e.target.checked ? [...list, channel.id] : list.filter((c) => c !== channel.id),
                  )
                }
              />
            ))}
          </div>
        </fieldset>
        <fieldset className="stack">
          <legend>When</legend>
          <div className="choices">
            {(
              [
                ['queue', 'Add to queue'],
                ['time', 'At a time'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="checkbox">
                <input
                  type="radio"
                  name={`${id}-when`}
                  value={value}
                  checked={mode === value}
                  onChange={() => setMode(value)}
                />{' '}
                {label}
              </label>
            ))}
          </div>
          {mode === 'queue' ? (
            <p className="hint">
              Each channel’s next free slot in its queue (a slot of the post’s category, if the queue has
              one). Set up the slots under Queues.
            </p>
          ) : (
            <div className="field">
              <label htmlFor={`${id}-at`}>Date and time</label>
              <div className="field-with-suffix">
                <input
                  id={`${id}-at`}
                  type="datetime-local"
                  required
                  aria-describedby={`${id}-zone`}
                  value={local}
                  onChange={(e) => setLocal(e.target.value)}
                />
                <span id={`${id}-zone`} className="field-suffix">
                  <span className="visually-hidden">Time zone: </span>
                  {workspace.timezone}
                </span>
              </div>
              <p className="hint">In the workspace’s time zone, whatever the time zone of this device.</p>
            </div>
          )}
        </fieldset>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? 'Scheduling…' : mode === 'queue' ? 'Add to queue' : 'Schedule post'}
          </button>
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
