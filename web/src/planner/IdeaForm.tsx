import { useEffect, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextAreaField, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { Category } from '../types.js';
import { formatTags, parseTags } from './categories.js';

export interface IdeaValues {
  title: string | null;
  body: string;
  tags: string[];
  categoryId: string | null;
  notes: string | null;
}

interface IdeaFormProps {
  /** The values to start from; absent for a new idea. */
  initial?: IdeaValues;
  categories: Category[] | undefined;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (values: IdeaValues) => Promise<void>;
  onCancel?: () => void;
  /** Put the keyboard in the first field when the form opens (editing). */
  autoFocus?: boolean;
}

/** Title, text, tags, category and notes of an idea or a draft. */
export function IdeaForm({
  initial,
  categories,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  autoFocus = false,
}: IdeaFormProps) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [tags, setTags] = useState(initial ? formatTags(initial.tags) : '');
  const [categoryId, setCategoryId] = useState(initial?.categoryId ?? '');
  const [notes, setNotes] = useState(initial?.notes ?? '');
  const { busy, error, setError, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (autoFocus) formRef.current?.querySelector('input')?.focus();
  }, [autoFocus]);

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    if (!title.trim() && !body.trim()) {
      setError(new ApiError(0, 'incomplete', 'Give the idea a title or some text.'));
      return;
    }
    void run(async () => {
      await onSubmit({
        title: title.trim() || null,
        body,
        tags: parseTags(tags),
        categoryId: categoryId || null,
        notes: notes.trim() || null,
      });
      if (!initial) {
        setTitle('');
        setBody('');
        setTags('');
        setNotes('');
      }
    });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="stack">
      <TextField label="Title" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      <TextAreaField
        label="Text"
        rows={4}
        className="post-text-field"
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <div className="idea-form-row">
        <TextField
          label="Tags"
          hint="Separated by commas or spaces, such as #launch, tips."
          autoComplete="off"
          spellCheck={false}
          value={tags}
          onChange={(e) => setTags(e.target.value)}
        />
        <SelectField label="Category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
          <option value="">No category</option>
          {(categories ?? []).map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField
        label="Notes"
        hint="For the team: sources, who to ask, what is still missing. Never published."
        rows={2}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
      />
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
