import { useId, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, TextField } from '../components/Fields.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction } from '../hooks.js';
import { can } from '../permissions.js';
import type { Category, CategoryInput, Workspace } from '../types.js';
import { CATEGORY_COLORS, CategoryDot } from './categories.js';
import type { CategoryDirectory } from './categories.js';

interface CategoryFormProps {
  category?: Category;
  defaultColor: string;
  submitLabel: string;
  onSubmit: (input: CategoryInput) => Promise<void>;
  onCancel?: () => void;
}

function CategoryForm({ category, defaultColor, submitLabel, onSubmit, onCancel }: CategoryFormProps) {
  const [name, setName] = useState(category?.name ?? '');
  const [color, setColor] = useState(category?.color ?? defaultColor);
  const [evergreen, setEvergreen] = useState(category?.evergreen ?? false);
  const [days, setDays] = useState(category?.evergreenDays ? String(category.evergreenDays) : '');
  const { busy, error, setError, run } = useAction();

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setError(new ApiError(0, 'incomplete', 'Give the category a name, such as Tips or Product news.'));
      return;
    }
    const limit = days.trim() === '' ? null : Number(days);
    if (evergreen && limit !== null && (!Number.isInteger(limit) || limit < 1 || limit > 3650)) {
      setError(
        new ApiError(
          0,
          'incomplete',
          'Repeat for: give a whole number of days from 1 to 3650, or leave it empty.',
        ),
      );
      return;
    }
    void run(async () => {
      await onSubmit({
        name: name.trim(),
        color,
        evergreen,
        evergreenDays: evergreen ? limit : null,
      });
      if (!category) {
        setName('');
        setEvergreen(false);
        setDays('');
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <div className="idea-form-row">
        <TextField
          label="Name"
          maxLength={100}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label="Colour"
          type="color"
          className="field-color"
          value={color}
          onChange={(e) => setColor(e.target.value)}
        />
      </div>
      <Checkbox
        label="Evergreen"
        description="After a post of this category is published, it goes back into its channel’s queue."
        checked={evergreen}
        onChange={(e) => setEvergreen(e.target.checked)}
      />
      {evergreen ? (
        <TextField
          label="Repeat for (days)"
          hint="Posts stop going back into the queue this many days after they were first published. Empty: always."
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          className="field-narrow"
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
      ) : null}
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Saving…' : submitLabel}
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

function describe(category: Category): string {
  if (!category.evergreen) return 'Published once';
  return category.evergreenDays
    ? `Evergreen for ${category.evergreenDays} day${category.evergreenDays === 1 ? '' : 's'}`
    : 'Evergreen';
}

/** The workspace's content categories: a list for everyone, changes for those who may publish. */
export function CategoriesPanel({
  workspace,
  directory,
}: {
  workspace: Workspace;
  directory: CategoryDirectory;
}) {
  const id = useId();
  const canManage = can(workspace, 'posts.publish');
  const { categories } = directory;
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const remove = useAction();
  const list = categories.data ?? [];
  const editButton = (category: Category) => `${id}-edit-${category.id}`;

  function removeCategory(category: Category): void {
    if (
      !window.confirm(
        `Delete the category ${category.name}? Its posts and queue slots stay, without a category.`,
      )
    )
      return;
    void remove.run(async () => {
      await api.deleteCategory(workspace.id, category.id);
      categories.setData((current) => current?.filter((c) => c.id !== category.id));
      setStatus(`The category ${category.name} was deleted.`);
      document.getElementById(`${id}-heading`)?.focus();
    });
  }

  return (
    <section className="panel stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} tabIndex={-1} className="section-heading">
        Categories
      </h2>
      <p className="muted">
        Categories group posts by theme. Queue slots can be kept for one category, and evergreen categories
        put their posts back into the queue after publishing.
      </p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={categories.error} />
      <ErrorAlert error={remove.error} />
      {categories.loading && !categories.data ? <p className="muted">Loading categories…</p> : null}
      {categories.data && list.length === 0 ? <p className="muted">No categories yet.</p> : null}
      {list.length > 0 ? (
        <ul className="rows" aria-label="Categories">
          {list.map((category) => (
            <li key={category.id} className="row" aria-label={category.name}>
              <div className="row-main">
                <div className="row-title">
                  <CategoryDot color={category.color} />
                  <strong className="break">{category.name}</strong>
                  <span className="muted">{describe(category)}</span>
                </div>
              </div>
              {canManage ? (
                <div className="actions">
                  <button
                    type="button"
                    id={editButton(category)}
                    className="button-secondary"
                    aria-label={`Edit category ${category.name}`}
                    aria-expanded={editing === category.id}
                    onClick={() => setEditing((current) => (current === category.id ? null : category.id))}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button-danger"
                    aria-label={`Delete category ${category.name}`}
                    onClick={() => removeCategory(category)}
                  >
                    Delete
                  </button>
                </div>
              ) : null}
              {editing === category.id ? (
                <div className="row-wide">
                  <CategoryForm
                    category={category}
                    defaultColor={category.color ?? CATEGORY_COLORS[0]!}
                    submitLabel="Save category"
                    onCancel={() => {
                      setEditing(null);
                      document.getElementById(editButton(category))?.focus();
                    }}
                    onSubmit={async (input) => {
                      const { category: updated } = await api.updateCategory(
                        workspace.id,
                        category.id,
                        input,
                      );
                      categories.setData((current) =>
                        current?.map((c) => (c.id === updated.id ? updated : c)),
                      );
                      setEditing(null);
                      setStatus(`The category ${updated.name} was saved.`);
                    }}
                  />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canManage ? (
        <details className="add-category">
          <summary>New category</summary>
          <CategoryForm
            defaultColor={CATEGORY_COLORS[list.length % CATEGORY_COLORS.length]!}
            submitLabel="Create category"
            onSubmit={async (input) => {
              const { category } = await api.createCategory(workspace.id, input);
              categories.setData((current) => [...(current ?? []), category]);
              setStatus(`The category ${category.name} was created.`);
            }}
          />
        </details>
      ) : (
        <p className="hint">Creating and changing categories needs a role that may publish.</p>
      )}
    </section>
  );
}
