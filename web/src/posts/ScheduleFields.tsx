import { useId } from 'react';

export type WhenMode = 'now' | 'time' | 'draft';

interface ScheduleFieldsProps {
  legend: string;
  /** The choices offered, in order, with their labels. */
  options: { mode: WhenMode; label: string }[];
  mode: WhenMode;
  onModeChange: (mode: WhenMode) => void;
  /** The date and time, `YYYY-MM-DDTHH:mm`, as the clock reads in `timeZone`. */
  local: string;
  onLocalChange: (local: string) => void;
  timeZone: string;
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
}: ScheduleFieldsProps) {
  const id = useId();
  const zoneId = `${id}-zone`;
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
      {mode === 'time' ? (
        <div className="field">
          <label htmlFor={`${id}-at`}>Date and time</label>
          <div className="field-with-suffix">
            <input
              id={`${id}-at`}
              type="datetime-local"
              required
              aria-describedby={zoneId}
              value={local}
              onChange={(e) => onLocalChange(e.target.value)}
            />
            <span id={zoneId} className="field-suffix">
              <span className="visually-hidden">Time zone: </span>
              {timeZone}
            </span>
          </div>
          <p className="hint">In the workspace’s time zone, whatever the time zone of this device.</p>
        </div>
      ) : null}
    </fieldset>
  );
}
