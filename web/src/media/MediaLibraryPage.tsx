import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can } from '../permissions.js';
import type { MediaAsset, Workspace } from '../types.js';
import { ACCEPT, parseTags } from './media-format.js';
import { MediaCard } from './MediaCard.js';
import { UploadProgress } from './UploadProgress.js';
import { useUploads } from './useUploads.js';

const PAGE_SIZE = 48;

/** The workspace's media library: upload, search, filter by tag, edit alt text and tags, delete. */
export function MediaLibraryPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Media', workspace.name);
  const canManage = can(workspace, 'media.manage');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState('');
  const [kind, setKind] = useState<'' | 'image' | 'video'>('');
  const [status, setStatus] = useState('');
  const first = useAsync(
    (signal) => api.media(workspace.id, { q: query, tag, kind, limit: PAGE_SIZE }, signal),
    [workspace.id, query, tag, kind],
  );
  const [added, setAdded] = useState<MediaAsset[]>([]);
  const [older, setOlder] = useState<MediaAsset[]>([]);
  const [changed, setChanged] = useState<Record<string, MediaAsset>>({});
  const [removed, setRemoved] = useState<string[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const more = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const [uploadAlt, setUploadAlt] = useState('');
  const [uploadTags, setUploadTags] = useState('');

  useEffect(() => {
    setAdded([]);
    setOlder([]);
    setChanged({});
    setRemoved([]);
    setCursor(null);
  }, [workspace.id, query, tag, kind]);
  useEffect(() => {
    if (first.data) setCursor(first.data.nextCursor);
  }, [first.data]);

  const onUploaded = useCallback((asset: MediaAsset) => {
    setAdded((list) => [asset, ...list]);
    setStatus(`${asset.filename} was added to the library.`);
  }, []);
  const uploads = useUploads(workspace.id, onUploaded);

  const fromServer = [...(first.data?.assets ?? []), ...older];
  const seen = new Set(added.map((a) => a.id));
  const assets = [...added, ...fromServer.filter((a) => !seen.has(a.id))]
    .filter((a) => !removed.includes(a.id))
    .map((a) => changed[a.id] ?? a);

  function submitSearch(event: FormEvent): void {
    event.preventDefault();
    setQuery(search.trim());
  }

  function loadMore(): void {
    if (!cursor) return;
    void more.run(async () => {
      const page = await api.media(workspace.id, { q: query, tag, kind, limit: PAGE_SIZE, before: cursor });
      setOlder((list) => [...list, ...page.assets]);
      setCursor(page.nextCursor);
    });
  }

  function startUpload(): void {
    const files = Array.from(fileInput.current?.files ?? []);
    if (files.length === 0) return;
    void uploads.upload(files, { alt: uploadAlt.trim() || undefined, tags: parseTags(uploadTags) });
    if (fileInput.current) fileInput.current.value = '';
  }

  const tags = first.data?.tags ?? [];
  const filtered = Boolean(query || tag || kind);

  return (
    <div className="stack">
      <PageHeading>Media</PageHeading>
      <p className="lead">
        Images and videos of {workspace.name}, ready to use in any post. JPEG, PNG, GIF, WebP, MP4 and MOV;
        Chorus checks each file’s content.
      </p>
      <StatusMessage>{status}</StatusMessage>
      {canManage ? (
        <section className="panel stack" aria-labelledby="media-upload-heading">
          <h2 id="media-upload-heading" className="section-heading">
            Upload
          </h2>
          <div className="media-upload-fields">
            <div className="field">
              <label htmlFor="media-files">Files</label>
              <input id="media-files" ref={fileInput} type="file" multiple accept={ACCEPT} />
            </div>
            <TextField
              label="Alt text for these files"
              hint="Optional; you can edit it per file later."
              value={uploadAlt}
              onChange={(e) => setUploadAlt(e.target.value)}
            />
            <TextField
              label="Tags for these files"
              hint="Separated by commas."
              value={uploadTags}
              onChange={(e) => setUploadTags(e.target.value)}
            />
          </div>
          <div className="actions">
            <button type="button" onClick={startUpload} aria-disabled={uploads.busy || undefined}>
              Upload
            </button>
          </div>
          <UploadProgress items={uploads.items} />
        </section>
      ) : null}
      <div className="toolbar">
        <form role="search" className="inline-form" onSubmit={submitSearch}>
          <TextField
            label="Search media"
            type="search"
            value={search}
            placeholder="File name, alt text or tag"
            onChange={(e) => setSearch(e.target.value)}
          />
          <button type="submit" className="button-secondary">
            Search
          </button>
        </form>
        <SelectField label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">Any tag</option>
          {tags.map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.count})
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) =>
            setKind(e.target.value === 'image' || e.target.value === 'video' ? e.target.value : '')
          }
        >
          <option value="">Images and videos</option>
          <option value="image">Images</option>
          <option value="video">Videos</option>
        </SelectField>
      </div>
      <ErrorAlert error={first.error} />
      {first.loading && !first.data ? <p className="muted">Loading media…</p> : null}
      {first.data && assets.length === 0 ? (
        <p className="muted">
          {filtered ? 'Nothing matches this search.' : 'The library is empty. Upload a first image or video.'}
        </p>
      ) : null}
      {assets.length > 0 ? (
        <ul className="media-grid" aria-label={filtered ? 'Matching media' : 'Media library'}>
          {assets.map((asset) => (
            <MediaCard
              key={asset.id}
              workspaceId={workspace.id}
              asset={asset}
              canManage={canManage}
              onChanged={(updated) => {
                setChanged((map) => ({ ...map, [updated.id]: updated }));
                setStatus(`${updated.filename} was saved.`);
              }}
              onDeleted={(gone) => {
                setRemoved((list) => [...list, gone.id]);
                setStatus(`${gone.filename} was deleted.`);
              }}
            />
          ))}
        </ul>
      ) : null}
      <ErrorAlert error={more.error} />
      {cursor ? (
        <div>
          <button
            type="button"
            className="button-secondary"
            onClick={loadMore}
            aria-disabled={more.busy || undefined}
          >
            Load more
          </button>
        </div>
      ) : null}
    </div>
  );
}
