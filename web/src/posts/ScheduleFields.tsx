import { useId } from 'react';
import { browserTimeZone, formatInZone, wallClock } from '../format.js';

/** When a post goes out: now, at a time, the channel's next queue slot; or kept as a draft or an idea. */
export type WhenMode = 'now' | 'time' | 'queue' | 'draft' | 'idea';

interface ScheduleFieldsProps {
  legend: string;
  /** The choices offered, in order, with their labels. */
  options: { mode: WhenMode; label: string; hint?: string }[];
  mode: WhenMode;
  onModeChange: (mode: WhenMode) => void;
  /** The date and time, `YYYY-MM-DDTHH:mm`, as the clock reads in `timeZone`. */
  local: string;
  onLocalChange: (local: string) => void;
  timeZone: string;
  /** A problem with the time, from the server's check. */
  error?: string | null | undefined;
}

const minutes = (local: string) => Date.parse(`${local}:00Z`);

/** The instant at which the clock in `timeZone` reads `local` (the earlier one in a repeated hour). */
export function instantOf(local: string, timeZone: string): Date | null {
  const wanted = minutes(local);
  if (Number.isNaN(wanted)) return null;
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const reads = minutes(wallClock(new Date(guess), timeZone));
    if (Number.isNaN(reads)) return null;
    if (reads === wanted) return new Date(guess);
    guess += wanted - reads;
  }
  return null;
}

/** When a post goes out: radio choices, and a date and time read in the workspace's time zone. */
export function ScheduleFields({
  legend,
  options,
  mode,
  onModeChange,
  local,
  onLocalChange,
  timeZone,
  error,
}: ScheduleFieldsProps) {
  const id = useId();
  const zoneId = `${id}-zone`;
  const ownZone = browserTimeZone();
  const instant = local ? instantOf(local, timeZone) : null;
  const elsewhere = instant && ownZone !== timeZone ? formatInZone(instant.toISOString(), ownZone) : null;
  const chosen = options.find((o) => o.mode === mode);
  return (
    <fieldset className="stack">
      <legend>{legend}</legend>
      <div className="choices">
        {options.map((option) => (
          <label key={option.mode} className="checkbox">
            <input
              type="radio"
              name={`${id}-when`}
              value={option.mode}
              checked={mode === option.mode}
              onChange={() => onModeChange(option.mode)}
            />{' '}
            {option.label}
          </label>
        ))}
      </div>
      {chosen?.hint ? <p className="hint">{chosen.hint}</p> : null}
      {mode === 'time' ? (
        <div className="field">
          <label htmlFor={`${id}-at`}>Date and time</label>
          <div className="field-with-suffix">
            <input
              id={`${id}-at`}
              type="datetime-local"
              required
              aria-describedby={`${zoneId} ${id}-hint${error ? ` ${id}-error` : ''}`}
              aria-invalid={error ? true : undefined}
              value={local}
              onChange={(e) => onLocalChange(e.target.value)}
            />
            <span id={zoneId} className="field-suffix">
              <span className="visually-hidden">Time zone: </span>
              {timeZone}
            </span>
          </div>
          <p id={`${id}-hint`} className="hint">
            In the workspace’s time zone, whatever the time zone of this device.
            {elsewhere ? ` That is ${elsewhere} where you are (${ownZone}).` : ''}
          </p>
          {error ? (
            <p id={`${id}-error`} className="field-error">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
