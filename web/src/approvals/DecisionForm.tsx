import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, toApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { refusalReason } from './approvals-api.js';
import type { DecisionInput } from './approvals-api.js';

type Choice = DecisionInput['decision'];

export interface DecisionFormProps {
  /** The current step's checklist: every item must be ticked to approve. */
  checklist: string[];
  contentHash: string;
  /** Sends the decision; throws the server's refusal. */
  onDecide: (input: DecisionInput) => Promise<void>;
  /** Called when the server says the post changed since it was loaded (409): load it again. */
  onStale?: () => void;
  /** Names the form for assistive technology, e.g. "Decide on Spring menu". */
  label?: string;
}

const BUTTONS: { choice: Choice; label: string; className: string }[] = [
  { choice: 'approve', label: 'Approve', className: '' },
  { choice: 'request_changes', label: 'Request changes', className: 'button-secondary' },
  { choice: 'reject', label: 'Reject', className: 'button-danger' },
];

/** Approve (with the step's checklist), request changes or reject (each with a note). */
export function DecisionForm({ checklist, contentHash, onDecide, onStale, label }: DecisionFormProps) {
  const id = useId();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [ticked, setTicked] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState('');

  const missing = checklist.filter((item) => !ticked.includes(item));
  const approveBlocked = missing.length > 0;
  const noteBlocked = note.trim() === '';

  async function send(choice: Choice): Promise<void> {
    if (busy) return;
    if (choice === 'approve' && approveBlocked) {
      setProblem(`Tick every checklist item to approve (${String(missing.length)} left).`);
      return;
    }
    if (choice !== 'approve' && noteBlocked) {
      setProblem(
        choice === 'reject'
          ? 'Write a note to say why you reject it.'
          : 'Write a note to say what to change.',
      );
      noteRef.current?.focus();
      return;
    }
    setProblem('');
    setError(null);
    setBusy(true);
    try {
      await onDecide({
        decision: choice,
        contentHash,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(choice === 'approve' ? { checklist: ticked } : {}),
      });
    } catch (reason) {
      const failure = toApiError(reason);
      setError(failure);
      if (failure.status === 409) onStale?.();
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
  }

  return (
    <form className="decision-form stack-tight" aria-label={label ?? 'Decide'} onSubmit={submit}>
      {checklist.length > 0 ? (
        <fieldset className="decision-checklist">
          <legend>Checklist</legend>
          {checklist.map((item, i) => (
            <div className="checkbox" key={item}>
              <input
                id={`${id}-check-${String(i)}`}
                type="checkbox"
                checked={ticked.includes(item)}
                onChange={(e) =>
                  setTicked((list) =>
                    e.target.checked ? [...list, item] : list.filter((candidate) => candidate !== item),
                  )
                }
              />
              <label htmlFor={`${id}-check-${String(i)}`}>{item}</label>
            </div>
          ))}
        </fieldset>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-note`}>Note</label>
        <p id={`${id}-note-hint`} className="hint">
          Needed to reject or request changes; the author sees it.
        </p>
        <textarea
          id={`${id}-note`}
          ref={noteRef}
          rows={2}
          value={note}
          aria-describedby={`${id}-note-hint`}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <div className="actions">
        {BUTTONS.map((button) => {
          const blocked = button.choice === 'approve' ? approveBlocked : noteBlocked;
          return (
            <button
              key={button.choice}
              type="button"
              className={button.className || undefined}
              aria-disabled={busy || blocked || undefined}
              aria-describedby={blocked ? `${id}-why-${button.choice}` : undefined}
              onClick={() => void send(button.choice)}
            >
              {button.label}
            </button>
          );
        })}
      </div>
      {approveBlocked ? (
        <p id={`${id}-why-approve`} className="hint">
          Tick every checklist item to approve.
        </p>
      ) : null}
      {noteBlocked ? (
        <p id={`${id}-why-request_changes`} className="hint">
          Write a note to request changes or reject.
        </p>
      ) : null}
      {noteBlocked ? (
        <p id={`${id}-why-reject`} className="visually-hidden">
          Write a note to reject.
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="alert">
          {problem}
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {error && refusalReason(error) === 'stale' ? (
        <p className="hint">The latest version was loaded: check it and decide again.</p>
      ) : null}
    </form>
  );
}
