import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextAreaField, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { MediaAsset } from '../types.js';
import { describeAsset, parseTags } from './media-format.js';
import { MediaPreview } from './MediaPreview.js';

/** One asset of the library: preview, facts, and (with media.manage) editing and deleting. */
export function MediaCard({
  workspaceId,
  asset,
  canManage,
  onChanged,
  onDeleted,
}: {
  workspaceId: string;
  asset: MediaAsset;
  canManage: boolean;
  onChanged: (asset: MediaAsset) => void;
  onDeleted: (asset: MediaAsset) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [alt, setAlt] = useState(asset.alt);
  const [tags, setTags] = useState(asset.tags.join(', '));
  const save = useAction();
  const remove = useAction();
  const titleId = useId();

  function submit(event: FormEvent): void {
    event.preventDefault();
    void save.run(async () => {
      const { asset: updated } = await api.updateMedia(workspaceId, asset.id, { alt, tags: parseTags(tags) });
      onChanged(updated);
      setEditing(false);
    });
  }

  function confirmDelete(): void {
    void remove.run(async () => {
      await api.deleteMedia(workspaceId, asset.id);
      onDeleted(asset);
    });
  }

  return (
    <li className="media-card" aria-labelledby={titleId}>
      <a href={asset.fileUrl} target="_blank" rel="noreferrer" className="media-open">
        <MediaPreview asset={asset} />
        <span className="visually-hidden">Open {asset.filename} in a new tab</span>
      </a>
      <div className="media-body">
        <h2 id={titleId} className="media-name">
          {asset.filename}
        </h2>
        <p className="muted media-facts">{describeAsset(asset)}</p>
        {asset.alt ? (
          <p className="media-alt">
            <span className="visually-hidden">Alt text: </span>
            {asset.alt}
          </p>
        ) : (
          <p className="muted media-alt">No alt text yet.</p>
        )}
        {asset.tags.length > 0 ? (
          <ul className="chips" aria-label="Tags">
            {asset.tags.map((tag) => (
              <li key={tag} className="chip">
                <span className="chip-name">{tag}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {canManage && editing ? (
          <form className="stack media-edit" onSubmit={submit}>
            <TextAreaField
              label="Alt text"
              hint="Describe the picture for people who cannot see it."
              value={alt}
              rows={3}
              maxLength={5000}
              onChange={(e) => setAlt(e.target.value)}
            />
            <TextField
              label="Tags"
              hint="Separated by commas."
              value={tags}
              onChange={(e) => setTags(e.target.value)}
            />
            <ErrorAlert error={save.error} />
            <div className="actions">
              <button type="submit" aria-disabled={save.busy || undefined}>
                Save
              </button>
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  setEditing(false);
                  setAlt(asset.alt);
                  setTags(asset.tags.join(', '));
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {canManage && !editing ? (
          <div className="actions">
            <button
              type="button"
              className="button-secondary"
              onClick={() => setEditing(true)}
              aria-label={`Edit ${asset.filename}`}
            >
              Edit
            </button>
            {confirming ? (
              <>
                <button
                  type="button"
                  className="button-danger"
                  onClick={confirmDelete}
                  aria-disabled={remove.busy || undefined}
                >
                  Delete for good
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => {
                    setConfirming(false);
                    remove.setError(null);
                  }}
                >
                  Keep it
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button-secondary"
                onClick={() => setConfirming(true)}
                aria-label={`Delete ${asset.filename}`}
              >
                Delete
              </button>
            )}
          </div>
        ) : null}
        <ErrorAlert error={remove.error} />
      </div>
    </li>
  );
}
