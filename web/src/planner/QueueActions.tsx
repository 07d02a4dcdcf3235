/** What moves the posts of a queue (pause, resume, shuffle, recalculate), each confirmed before it runs. */

import { useEffect, useRef } from 'react';
import type { Dispatch, SetStateAction } from 'react';
import type { ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import type { QueueAction } from '../types.js';

export const ACTIONS: Record<
  QueueAction,
  { open: string; confirm: string; explain: (channel: string) => string; done: (channel: string) => string }
> = {
  pause: {
    open: 'Pause',
    confirm: 'Pause the queue',
    explain: (c) =>
      `Pause the queue of ${c}? Its queued posts are held and never sent until you resume it; posts added meanwhile wait too. Posts pinned to a time are not affected.`,
    done: (c) => `The queue of ${c} is paused: its queued posts are held.`,
  },
  resume: {
    open: 'Resume',
    confirm: 'Resume the queue',
    explain: (c) =>
      `Resume the queue of ${c}? Held posts go into the next free slots from now on, so nothing goes out late in a burst.`,
    done: (c) => `The queue of ${c} is running again: held posts took the next free slots.`,
  },
  shuffle: {
    open: 'Shuffle',
    confirm: 'Shuffle the queue',
    explain: (c) =>
      `Shuffle the queue of ${c}? The queued posts change places at random among the slots they hold. Posts pinned to a time never move.`,
    done: (c) => `The queue of ${c} was shuffled.`,
  },
  recalculate: {
    open: 'Recalculate',
    confirm: 'Recalculate the queue',
    explain: (c) =>
      `Recalculate the queue of ${c}? Every queued post goes back into the slots in its order, from now on, closing the gaps. Posts pinned to a time never move.`,
    done: (c) => `The queue of ${c} was recalculated.`,
  },
};

export function QueueActionsPanel({
  id,
  channelName,
  paused,
  confirming,
  setConfirming,
  busy,
  error,
  onRun,
}: {
  id: string;
  channelName: string;
  paused: boolean;
  confirming: QueueAction | null;
  setConfirming: Dispatch<SetStateAction<QueueAction | null>>;
  busy: boolean;
  error: ApiError | null;
  onRun: (action: QueueAction) => void;
}) {
  return (
    <section className="panel stack" aria-labelledby={`${id}-actions`}>
      <h2 id={`${id}-actions`} tabIndex={-1} className="section-heading">
        Move the queued posts
      </h2>
      <div className="actions">
        {(['pause', 'resume', 'shuffle', 'recalculate'] as const)
          .filter((action) => (paused ? action !== 'pause' : action !== 'resume'))
          .map((action) => (
            <button
              key={action}
              type="button"
              className="button-secondary"
              aria-expanded={confirming === action}
              aria-controls={confirming === action ? `${id}-confirm` : undefined}
              onClick={() => setConfirming((current) => (current === action ? null : action))}
            >
              {ACTIONS[action].open}
            </button>
          ))}
      </div>
      {confirming ? (
        <ConfirmAction
          id={`${id}-confirm`}
          text={ACTIONS[confirming].explain(channelName)}
          confirmLabel={ACTIONS[confirming].confirm}
          busy={busy}
          onConfirm={() => onRun(confirming)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
      <ErrorAlert error={error} />
    </section>
  );
}

function ConfirmAction({
  id,
  text,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  id: string;
  text: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
  }, [text]);
  return (
    <div id={id} className="resolve" role="group" aria-label={confirmLabel}>
      <p id={`${id}-text`}>{text}</p>
      <div className="actions">
        <button
          ref={confirmRef}
          type="button"
          aria-describedby={`${id}-text`}
          aria-disabled={busy || undefined}
          onClick={busy ? undefined : onConfirm}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
