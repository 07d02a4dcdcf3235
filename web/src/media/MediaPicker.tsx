import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api, toApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { TextField } from '../components/Fields.js';
import { useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import type { MediaAsset, MediaUse, Workspace } from '../types.js';
import { ACCEPT, describeAsset } from './media-format.js';
import { MediaPreview } from './MediaPreview.js';
import { UploadProgress } from './UploadProgress.js';
import { useUploads } from './useUploads.js';

/** A located problem with the chosen media, as `api.checkMedia` reports it for a channel. */
export interface MediaPickerIssue {
  /** 0-based position in `value`, or null for the list as a whole. */
  index: number | null;
  message: string;
}

export interface MediaPickerProps {
  /** The workspace whose library is used; uploading needs its media.manage permission. */
  workspace: Workspace;
  /** The chosen media, in order; `alt` is this use's alt text (absent: the asset's own). */
  value: MediaUse[];
  /** Called with the new list whenever media is added, removed, reordered or its alt text edited. */
  onChange: (value: MediaUse[]) => void;
  /** The group's label (a legend). Default "Media". */
  label?: string;
  /** Most items that may be chosen (e.g. the strictest chosen network's); further choices are disabled. */
  max?: number;
  /** Problems to show next to the items (e.g. from `api.checkMedia` for the selected channels). */
  issues?: MediaPickerIssue[];
}

/**
 * Choose media for a post: from the library (search, then pick) or by uploading new files, which land in
 * the library too. Each chosen item can be moved, removed and given alt text for this use. Controlled:
 * the parent keeps `value`. Keyboard-usable throughout; the library panel is a disclosure.
 */
export function MediaPicker({
  workspace,
  value,
  onChange,
  label = 'Media',
  max,
  issues = [],
}: MediaPickerProps) {
  const id = useId();
  const [assets, setAssets] = useState<Record<string, MediaAsset>>({});
  const [open, setOpen] = useState(false);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const valueRef = useRef(value);
  valueRef.current = value;
  const full = max !== undefined && value.length >= max;

  const remember = useCallback((list: MediaAsset[]) => {
    setAssets((map) => {
      const next = { ...map };
      for (const asset of list) next[asset.id] = asset;
      return next;
    });
  }, []);

  // Assets chosen before this picker saw them (an edited post): look them up once.
  const missing = value.map((use) => use.assetId).filter((assetId) => !assets[assetId]);
  const missingKey = missing.join(',');
  useEffect(() => {
    if (!missingKey) return;
    const controller = new AbortController();
    Promise.all(
      missingKey.split(',').map((assetId) => api.mediaAsset(workspace.id, assetId, controller.signal)),
    )
      .then((found) => remember(found.map((f) => f.asset)))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLookupError(toApiError(error).message);
      });
    return () => controller.abort();
  }, [missingKey, workspace.id, remember]);

  const onUploaded = useCallback(
    (asset: MediaAsset) => {
      remember([asset]);
      const current = valueRef.current;
      if (max === undefined || current.length < max) onChange([...current, { assetId: asset.id }]);
    },
    [max, onChange, remember],
  );
  const uploads = useUploads(workspace.id, onUploaded);
  const fileInput = useRef<HTMLInputElement>(null);

  function move(index: number, by: -1 | 1): void {
    const next = [...value];
    const [item] = next.splice(index, 1);
    if (!item) return;
    next.splice(index + by, 0, item);
    onChange(next);
  }

  function toggle(asset: MediaAsset): void {
    remember([asset]);
    if (value.some((use) => use.assetId === asset.id))
      onChange(value.filter((use) => use.assetId !== asset.id));
    else if (!full) onChange([...value, { assetId: asset.id }]);
  }

  const general = issues.filter((issue) => issue.index === null);

  return (
    <fieldset className="media-picker">
      <legend>{label}</legend>
      {value.length === 0 ? <p className="muted">No media chosen.</p> : null}
      {value.length > 0 ? (
        <ol className="picked" aria-label={`Chosen ${label.toLowerCase()}`}>
          {value.map((use, index) => {
            const asset = assets[use.assetId];
            const name = asset?.filename ?? 'media';
            const own = issues.filter((issue) => issue.index === index);
            return (
              <li key={use.assetId} className="picked-item">
                {asset ? (
                  <MediaPreview asset={asset} alt={use.alt ?? asset.alt} />
                ) : (
                  <div className="media-thumb" />
                )}
                <div className="picked-body">
                  <p className="media-name">
                    {index + 1}. {name}
                  </p>
                  {asset ? <p className="muted media-facts">{describeAsset(asset)}</p> : null}
                  <TextField
                    label={`Alt text of ${name} in this post`}
                    value={use.alt ?? asset?.alt ?? ''}
                    maxLength={5000}
                    onChange={(e) =>
                      onChange(value.map((u, i) => (i === index ? { ...u, alt: e.target.value } : u)))
                    }
                  />
                  {own.map((issue) => (
                    <p key={issue.message} className="media-issue">
                      {issue.message}
                    </p>
                  ))}
                  <div className="actions">
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move ${name} earlier`}
                      aria-disabled={index === 0 || undefined}
                      onClick={() => index > 0 && move(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move ${name} later`}
                      aria-disabled={index === value.length - 1 || undefined}
                      onClick={() => index < value.length - 1 && move(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Remove ${name}`}
                      onClick={() => onChange(value.filter((_, i) => i !== index))}
                    >
                      Remove
                    </button>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      ) : null}
      {general.map((issue) => (
        <p key={issue.message} className="media-issue">
          {issue.message}
        </p>
      ))}
      {lookupError ? (
        <div role="alert" className="alert">
          {lookupError}
        </div>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          aria-expanded={open}
          aria-controls={`${id}-library`}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Close the library' : 'Choose from the library'}
        </button>
        {can(workspace, 'media.manage') ? (
          <>
            <label htmlFor={`${id}-upload`} className="visually-hidden">
              Upload new media
            </label>
            <input
              id={`${id}-upload`}
              ref={fileInput}
              type="file"
              multiple
              accept={ACCEPT}
              disabled={full}
              onChange={() => {
                const files = Array.from(fileInput.current?.files ?? []);
                if (files.length > 0) void uploads.upload(files);
                if (fileInput.current) fileInput.current.value = '';
              }}
            />
          </>
        ) : null}
      </div>
      {full ? <p className="muted">That is the most media this post can take.</p> : null}
      <UploadProgress items={uploads.items} />
      {open ? (
        <LibraryPanel
          id={`${id}-library`}
          workspaceId={workspace.id}
          chosen={value.map((use) => use.assetId)}
          full={full}
          onToggle={toggle}
        />
      ) : null}
    </fieldset>
  );
}

function LibraryPanel({
  id,
  workspaceId,
  chosen,
  full,
  onToggle,
}: {
  id: string;
  workspaceId: string;
  chosen: string[];
  full: boolean;
  onToggle: (asset: MediaAsset) => void;
}) {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const page = useAsync(
    (signal) => api.media(workspaceId, { q: query, limit: 48 }, signal),
    [workspaceId, query],
  );
  function submit(event: FormEvent): void {
    event.preventDefault();
    setQuery(search.trim());
  }
  const assets = page.data?.assets ?? [];
  return (
    <div id={id} className="library-panel stack" role="region" aria-label="Media library">
      <div className="inline-form" role="search">
        <TextField
          label="Search the library"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') submit(e);
          }}
        />
        <button type="button" className="button-secondary" onClick={(e) => submit(e)}>
          Search
        </button>
      </div>
      <ErrorAlert error={page.error} />
      {page.loading && !page.data ? <p className="muted">Loading media…</p> : null}
      {page.data && assets.length === 0 ? <p className="muted">Nothing found.</p> : null}
      <ul className="library-grid">
        {assets.map((asset) => {
          const picked = chosen.includes(asset.id);
          return (
            <li key={asset.id}>
              <button
                type="button"
                className="library-choice"
                aria-pressed={picked}
                aria-disabled={(!picked && full) || undefined}
                onClick={() => onToggle(asset)}
              >
                <MediaPreview asset={asset} alt="" />
                <span className="library-choice-name">{asset.filename}</span>
                <span className="visually-hidden">{picked ? ' (chosen)' : ''}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
