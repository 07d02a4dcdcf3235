import { useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { Workspace } from '../types.js';
import { calendarApi, type CalendarNote, type NoteKind } from './calendar-api.js';

const KINDS: { id: NoteKind; label: string }[] = [
  { id: 'note', label: 'Note' },
  { id: 'launch', label: 'Launch' },
  { id: 'holiday', label: 'Holiday' },
  { id: 'event', label: 'Event' },
];

/** Calendar notes of the shown range (launches, holidays, events), with a form to add one. */
export function NotesPanel({
  workspace,
  notes,
  onChange,
  defaultDay,
}: {
  workspace: Workspace;
  notes: CalendarNote[];
  onChange: () => void;
  defaultDay: string;
}) {
  const [startsOn, setStartsOn] = useState(defaultDay);
  const [endsOn, setEndsOn] = useState('');
  const [kind, setKind] = useState<NoteKind>('note');
  const [title, setTitle] = useState('');
  const action = useAction();

  async function add(event: FormEvent): Promise<void> {
    event.preventDefault();
    const ok = await action.run(async () => {
      await calendarApi.addNote(workspace.id, { startsOn, endsOn: endsOn || startsOn, kind, title });
    });
    if (ok) {
      setTitle('');
      setEndsOn('');
      onChange();
    }
  }

  return (
    <section className="panel stack" aria-labelledby="calendar-notes-title">
      <h2 id="calendar-notes-title">Calendar notes</h2>
      {notes.length > 0 ? (
        <ul className="rows" aria-label="Notes in this range">
          {notes.map((note) => (
            <li key={note.id} className="row">
              <span>
                <strong>{note.title}</strong> · {KINDS.find((k) => k.id === note.kind)?.label} ·{' '}
                {note.startsOn}
                {note.endsOn !== note.startsOn ? ` to ${note.endsOn}` : ''}
              </span>
              <button
                type="button"
                className="button-secondary"
                onClick={() =>
                  void action.run(async () => {
                    await calendarApi.deleteNote(workspace.id, note.id);
                    onChange();
                  })
                }
              >
                Delete<span className="visually-hidden"> the note {note.title}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No notes in this range.</p>
      )}
      <form className="inline-form" onSubmit={(e) => void add(e)} aria-label="Add a calendar note">
        <TextField
          label="Title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={200}
        />
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as NoteKind)}>
          {KINDS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="date"
          value={startsOn}
          onChange={(e) => setStartsOn(e.target.value)}
          required
        />
        <TextField
          label="To (optional)"
          type="date"
          value={endsOn}
          onChange={(e) => setEndsOn(e.target.value)}
        />
        <button type="submit" aria-disabled={action.busy || undefined}>
          Add note
        </button>
      </form>
      <ErrorAlert error={action.error} />
    </section>
  );
}
