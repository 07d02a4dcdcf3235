import { useEffect, useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatInZone } from '../format.js';
import { useAction, useAsync, useInterval } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { useChannelDirectory } from '../posts/channels.js';
import type { ChannelDirectory } from '../posts/channels.js';
import { DeliveryBadge, excerpt } from '../posts/labels.js';
import { ResolveDelivery } from '../posts/ResolveDelivery.js';
import { Link } from '../router.js';
import type { AttentionDelivery, PublishingPause, ResumeMode, Workspace } from '../types.js';

/** The value of "the whole workspace" among the things that can be paused. */
const WORKSPACE = 'workspace';

const pauseKey = (pause: PublishingPause): string => `${pause.scope}-${pause.channelId ?? ''}`;

function pausePlace(pause: PublishingPause, directory: ChannelDirectory): string {
  if (pause.scope === 'global') return 'Everyone on this Chorus server';
  if (pause.scope === 'workspace') return 'The whole workspace';
  return pause.channelId ? directory.name(pause.channelId) : 'A channel';
}

interface ResumeFormProps {
  workspace: Workspace;
  pause: PublishingPause;
  place: string;
  onResumed: (message: string) => void;
  onCancel: () => void;
}

/** How held posts go out when a pause is lifted: all now, or spread out from now. */
function ResumeForm({ workspace, pause, place, onResumed, onCancel }: ResumeFormProps) {
  const name = useId();
  const [mode, setMode] = useState<ResumeMode>('send_now');
  const [spacing, setSpacing] = useState('15');
  const { busy, error, run } = useAction();
  const firstChoice = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstChoice.current?.focus();
  }, []);

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    const minutes = Number.parseInt(spacing, 10);
    void run(async () => {
      const { released } = await api.resumePublishing(workspace.id, {
        ...(pause.channelId ? { channelId: pause.channelId } : {}),
        mode,
        ...(mode === 'reschedule' && Number.isFinite(minutes) ? { spacingMinutes: minutes } : {}),
      });
      const held =
        released === 0
          ? 'No post was waiting.'
          : mode === 'send_now'
            ? `${released} held ${released === 1 ? 'post is' : 'posts are'} being sent now.`
            : `${released} held ${released === 1 ? 'post was' : 'posts were'} rescheduled.`;
      onResumed(`Publishing resumed for ${place.toLowerCase()}. ${held}`);
    });
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="stack resume-form"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <fieldset className="stack">
        <legend>Posts held while paused</legend>
        <div className="choices">
          <label className="checkbox">
            <input
              ref={firstChoice}
              type="radio"
              name={name}
              value="send_now"
              checked={mode === 'send_now'}
              onChange={() => setMode('send_now')}
            />{' '}
            Send held posts now
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name={name}
              value="reschedule"
              checked={mode === 'reschedule'}
              onChange={() => setMode('reschedule')}
            />{' '}
            Reschedule them
          </label>
        </div>
        {mode === 'reschedule' ? (
          <TextField
            label="Minutes between posts"
            hint="Posts whose time is still ahead keep it. Overdue ones go out one by one from now, this far apart on each channel."
            className="field-narrow"
            type="number"
            inputMode="numeric"
            min={1}
            max={1440}
            value={spacing}
            onChange={(e) => setSpacing(e.target.value)}
          />
        ) : null}
      </fieldset>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Resuming…' : 'Resume publishing'}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface AttentionItemProps {
  workspace: Workspace;
  delivery: AttentionDelivery;
  channelName: string;
  canPublish: boolean;
  busy: boolean;
  onRetry: (delivery: AttentionDelivery) => void;
  onResolved: (message: string) => void;
}

function AttentionItem({
  workspace,
  delivery,
  channelName,
  canPublish,
  busy,
  onRetry,
  onResolved,
}: AttentionItemProps) {
  const titleId = useId();
  return (
    <li className="row attention-row">
      <div className="row-main">
        <div className="row-title">
          <strong id={titleId}>{channelName}</strong>
          <DeliveryBadge state={delivery.state} />
        </div>
        <p className="break">{excerpt(delivery.postBody)}</p>
        {delivery.reason ? (
          <p className={delivery.state === 'paused' ? 'delivery-reason delivery-note' : 'delivery-reason'}>
            {delivery.reason}
          </p>
        ) : null}
        <p className="hint">
          Due <time dateTime={delivery.dueAt}>{formatInZone(delivery.dueAt, workspace.timezone)}</time>
        </p>
        {delivery.state === 'unconfirmed' && canPublish ? (
          <ResolveDelivery
            workspace={workspace}
            delivery={delivery}
            channelName={channelName}
            onResolved={(_settled, message) => onResolved(message)}
          />
        ) : null}
      </div>
      <div className="actions">
        {delivery.state === 'failed' && canPublish ? (
          <button
            type="button"
            aria-describedby={titleId}
            aria-disabled={busy || undefined}
            onClick={busy ? undefined : () => onRetry(delivery)}
          >
            Retry
          </button>
        ) : null}
        <Link
          to={workspacePath(workspace, `posts/${encodeURIComponent(delivery.postId)}`)}
          className="button-link button-link-secondary"
          aria-describedby={titleId}
        >
          Open the post
        </Link>
      </div>
    </li>
  );
}

/** Settings → Publishing: pauses in force, pausing, and deliveries that need someone. */
export function PublishingPage({ workspace }: { workspace: Workspace }) {
  const canPublish = can(workspace, 'posts.publish');
  const overview = useAsync((signal) => api.publishing(workspace.id, signal), [workspace.id]);
  const directory = useChannelDirectory(workspace);
  const [status, setStatus] = useState('');
  const [resuming, setResuming] = useState<string | null>(null);
  const [pauseTarget, setPauseTarget] = useState(WORKSPACE);
  const [reason, setReason] = useState('');
  const pauseAction = useAction();
  const action = useAction();
  const idPrefix = useId();
  useInterval(overview.reload, 10_000);
  const resumeButtonId = (key: string): string => `${idPrefix}-${key}-resume`;
  /** Keeps keyboard focus somewhere sensible when the control that had it goes away. */
  const focusLater = (id: string): void => {
    requestAnimationFrame(() => document.getElementById(id)?.focus());
  };

  const pauses = overview.data?.pauses ?? [];
  const deliveries = overview.data?.deliveries ?? [];
  const workspacePaused = pauses.some((pause) => pause.scope === 'workspace');
  const pausedChannels = new Set(pauses.map((pause) => pause.channelId).filter(Boolean));
  const targets = [
    ...(workspacePaused ? [] : [{ value: WORKSPACE, label: 'The whole workspace' }]),
    ...(directory.channels.data ?? [])
      .filter((channel) => channel.status !== 'disconnected' && !pausedChannels.has(channel.id))
      .map((channel) => ({ value: channel.id, label: channel.name })),
  ];
  const target = targets.find((option) => option.value === pauseTarget) ?? targets[0];

  function resumed(message: string): void {
    setResuming(null);
    setStatus(message);
    overview.reload();
    focusLater('pauses-heading');
  }

  function cancelResume(key: string): void {
    setResuming(null);
    focusLater(resumeButtonId(key));
  }

  function pause(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (pauseAction.busy) return;
    if (!target) return;
    const channelId = target.value === WORKSPACE ? undefined : target.value;
    const why = reason.trim();
    setStatus('');
    void pauseAction.run(async () => {
      await api.pausePublishing(workspace.id, {
        ...(channelId ? { channelId } : {}),
        ...(why ? { reason: why } : {}),
      });
      setReason('');
      setStatus(
        channelId
          ? `Publishing to ${target.label} is paused. Its due posts wait until you resume.`
          : 'Publishing is paused for the whole workspace. Due posts wait until you resume.',
      );
      overview.reload();
    });
  }

  function retry(delivery: AttentionDelivery): void {
    setStatus('');
    void action.run(async () => {
      await api.retryPost(workspace.id, delivery.postId);
      setStatus(`Sending the post again to ${directory.name(delivery.channelId)}.`);
      overview.reload();
      focusLater('attention-heading');
    });
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Publishing</PageHeading>
      <p className="lead">
        Pause publishing when you need to hold everything, and see the posts that need someone.
      </p>
      <ErrorAlert error={overview.error} />
      <ErrorAlert error={directory.channels.error} />
      <StatusMessage>{status}</StatusMessage>
      {overview.loading && !overview.data ? <p className="muted">Loading…</p> : null}

      <section className="stack" aria-labelledby="pauses-heading">
        <h3 id="pauses-heading" className="section-heading" tabIndex={-1}>
          Pauses
        </h3>
        {overview.data && pauses.length === 0 ? (
          <p className="muted">Nothing is paused: posts go out at their time.</p>
        ) : null}
        {pauses.length > 0 ? (
          <ul className="rows" aria-label="Pauses in force">
            {pauses.map((item) => {
              const key = pauseKey(item);
              const place = pausePlace(item, directory);
              return (
                <li key={key} className="row pause-row">
                  <div className="row-main">
                    <div className="row-title">
                      <strong>{place}</strong>
                      <span className="badge badge-held">Paused</span>
                    </div>
                    <p className="hint">
                      Since{' '}
                      <time dateTime={item.pausedAt}>{formatInZone(item.pausedAt, workspace.timezone)}</time>
                      {item.reason ? `: ${item.reason}` : ''}
                    </p>
                    {item.scope === 'global' ? (
                      <p className="hint">Whoever runs this Chorus server can lift this pause.</p>
                    ) : null}
                    {resuming === key ? (
                      <ResumeForm
                        workspace={workspace}
                        pause={item}
                        place={place}
                        onResumed={resumed}
                        onCancel={() => cancelResume(key)}
                      />
                    ) : null}
                  </div>
                  {canPublish && item.scope !== 'global' && resuming !== key ? (
                    <button
                      type="button"
                      id={resumeButtonId(key)}
                      aria-label={`Resume publishing: ${place}`}
                      onClick={() => {
                        setStatus('');
                        setResuming(key);
                      }}
                    >
                      Resume
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : null}
      </section>

      {canPublish && target ? (
        <section className="panel" aria-labelledby="pause-heading">
          <h3 id="pause-heading">Pause publishing</h3>
          <form onSubmit={pause} noValidate className="stack">
            <p className="hint">
              While paused, posts that come due are held, never sent. You choose what happens to them when you
              resume.
            </p>
            <SelectField
              label="What to pause"
              value={target.value}
              onChange={(e) => setPauseTarget(e.target.value)}
            >
              {targets.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Reason (optional)"
              hint="Shown on every held post, so your team knows why."
              maxLength={500}
              autoComplete="off"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <ErrorAlert error={pauseAction.error} />
            <div>
              <button type="submit" className="button-danger" aria-disabled={pauseAction.busy || undefined}>
                Pause publishing
              </button>
            </div>
          </form>
        </section>
      ) : null}

      <section className="stack" aria-labelledby="attention-heading">
        <h3 id="attention-heading" className="section-heading" tabIndex={-1}>
          Needs attention
        </h3>
        <p className="hint">Deliveries that failed, could not be confirmed, or are held.</p>
        <ErrorAlert error={action.error} />
        {overview.data && deliveries.length === 0 ? <p className="muted">Nothing needs attention.</p> : null}
        {deliveries.length > 0 ? (
          <ul className="rows" aria-label="Deliveries that need attention">
            {deliveries.map((delivery) => (
              <AttentionItem
                key={delivery.id}
                workspace={workspace}
                delivery={delivery}
                channelName={directory.name(delivery.channelId)}
                canPublish={canPublish}
                busy={action.busy}
                onRetry={retry}
                onResolved={(message) => {
                  setStatus(message);
                  overview.reload();
                  focusLater('attention-heading');
                }}
              />
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
