import { useEffect, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextAreaField } from '../components/Fields.js';
import { wallClock } from '../format.js';
import { useAction } from '../hooks.js';
import type { Post, UpdatePostInput, Workspace } from '../types.js';
import { ScheduleFields } from './ScheduleFields.js';
import type { WhenMode } from './ScheduleFields.js';

interface EditPostFormProps {
  workspace: Workspace;
  post: Post;
  onSaved: (post: Post, message: string) => void;
  onCancel: () => void;
}

/** The time the post is planned for, as its zone's clock reads it. */
function plannedLocal(post: Post, timeZone: string): string {
  if (post.scheduleLocal && post.scheduleTimeZone === timeZone) return post.scheduleLocal;
  return post.scheduledAt ? wallClock(new Date(post.scheduledAt), timeZone) : '';
}

/** Edits the text and the time of a post; its heading receives focus when it opens. */
export function EditPostForm({ workspace, post, onSaved, onCancel }: EditPostFormProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const timeZone = post.scheduleTimeZone ?? workspace.timezone;
  const draft = post.scheduledAt === null;
  const initialLocal = plannedLocal(post, timeZone);
  const [body, setBody] = useState(post.body);
  const [mode, setMode] = useState<WhenMode>(draft ? 'draft' : 'time');
  const [local, setLocal] = useState(initialLocal || wallClock(new Date(), timeZone));
  const { busy, error, setError, run } = useAction();
  const published = post.deliveries.some((delivery) => delivery.state === 'published');
  const ownText = post.channels.some((channel) => channel.body !== null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const options: { mode: WhenMode; label: string }[] = draft
    ? [
        { mode: 'draft', label: 'Keep as a draft' },
        { mode: 'now', label: 'Now' },
        { mode: 'time', label: 'At a time' },
      ]
    : [
        { mode: 'time', label: 'At a time' },
        { mode: 'now', label: 'Now' },
      ];

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    if (mode === 'time' && !local) {
      setError(new ApiError(0, 'incomplete', 'Choose the date and time to publish at.'));
      return;
    }
    const input: UpdatePostInput = {};
    if (body !== post.body) input.body = body;
    if (mode === 'now') input.schedule = { at: 'now' };
    if (mode === 'time' && (draft || local !== initialLocal)) {
      input.schedule = timeZone === workspace.timezone ? { local } : { local, timeZone };
    }
    if (Object.keys(input).length === 0) {
      onSaved(post, 'Nothing was changed.');
      return;
    }
    void run(async () => {
      const { post: saved } = await api.updatePost(workspace.id, post.id, input);
      onSaved(saved, 'The post was saved.');
    });
  }

  return (
    <section
      className="panel"
      aria-labelledby="edit-post-heading"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <h2 id="edit-post-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
        Edit post
      </h2>
      <form onSubmit={submit} noValidate className="stack">
        {published || ownText ? (
          <p className="hint">
            {published ? 'Changes apply only where the post has not gone out yet. ' : ''}
            {ownText ? 'Channels with their own text keep it.' : ''}
          </p>
        ) : null}
        <TextAreaField
          label="Post text"
          className="post-text-field"
          rows={6}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <ScheduleFields
          legend="When"
          options={options}
          mode={mode}
          onModeChange={setMode}
          local={local}
          onLocalChange={setLocal}
          timeZone={timeZone}
        />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
