import { useId, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, SelectField, TextAreaField, TextField } from '../components/Fields.js';
import { useAction } from '../hooks.js';
import type { Channel, Feed, FeedPreview, FeedTarget, Workspace } from '../types.js';

export const DEFAULT_TEMPLATE = '{title}\n\n{link}';
const PLACEHOLDERS = '{title}, {link}, {summary}, {author}, {feed}';

export interface FeedFormValues {
  url: string;
  channelIds: string[];
  target: FeedTarget;
  template: string;
  importLatest: number;
}

interface FeedFormProps {
  workspace: Workspace;
  channels: Channel[] | undefined;
  /** The feed being edited; absent when adding one (only then can the address be given). */
  feed?: Feed;
  submitLabel: string;
  onSubmit: (values: FeedFormValues) => Promise<void>;
  onCancel?: () => void;
}

/** Adding or editing a feed: address (new feeds only), channels, where items go, and the template. */
export function FeedForm({ workspace, channels, feed, submitLabel, onSubmit, onCancel }: FeedFormProps) {
  const id = useId();
  const [url, setUrl] = useState(feed?.url ?? '');
  const [chosen, setChosen] = useState<string[]>(feed?.channelIds ?? []);
  const [target, setTarget] = useState<FeedTarget>(feed?.target ?? 'draft');
  const [template, setTemplate] = useState(feed?.template ?? DEFAULT_TEMPLATE);
  const [importLatest, setImportLatest] = useState('0');
  const [preview, setPreview] = useState<FeedPreview | null>(null);
  const save = useAction();
  const previewAction = useAction();

  function problem(): string | null {
    if (!feed && !url.trim()) return 'Enter the address of the feed (RSS or Atom).';
    if (chosen.length === 0) return 'Choose at least one channel to post to.';
    if (!template.trim()) return 'Write a template, such as {title} {link}.';
    return null;
  }

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    const wrong = problem();
    if (wrong) {
      save.setError(new ApiError(0, 'invalid_request', wrong));
      return;
    }
    void save.run(() =>
      onSubmit({
        url: url.trim(),
        channelIds: chosen,
        target,
        template,
        importLatest: Number(importLatest) || 0,
      }),
    );
  }

  function showPreview(): void {
    const address = feed?.url ?? url.trim();
    if (!address) {
      previewAction.setError(new ApiError(0, 'invalid_request', 'Enter the feed’s address to preview it.'));
      return;
    }
    void previewAction.run(async () => {
      setPreview(
        await api.previewFeed(workspace.id, {
          url: address,
          template,
          ...(chosen.length > 0 ? { channelIds: chosen } : {}),
        }),
      );
    });
  }

  const toggle = (channelId: string, on: boolean) =>
    setChosen((list) => (on ? [...list, channelId] : list.filter((c) => c !== channelId)));

  return (
    <form onSubmit={submit} noValidate className="stack">
      {feed ? null : (
        <TextField
          label="Feed address"
          hint="The RSS or Atom address, often ending in /feed, /rss or .xml. Items already in the feed are not posted."
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          required
          placeholder="https://example.com/feed.xml"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      )}
      <fieldset>
        <legend>Channels</legend>
        {channels === undefined ? <p className="muted">Loading channels…</p> : null}
        {channels?.length === 0 ? (
          <p className="muted">This workspace has no channels yet. Connect one in Settings → Channels.</p>
        ) : null}
        <div className="checkbox-grid">
          {(channels ?? []).map((channel) => (
            <Checkbox
              key={channel.id}
              label={channel.name}
              description={
                channel.status === 'connected' ? channel.network : `${channel.network} · ${channel.status}`
              }
              checked={chosen.includes(channel.id)}
              onChange={(e) => toggle(channel.id, e.target.checked)}
            />
          ))}
        </div>
      </fieldset>
      <SelectField
        label="New items become"
        hint="Drafts wait for someone to schedule them; queued posts take each channel’s next free queue slot."
        value={target}
        onChange={(e) => setTarget(e.target.value as FeedTarget)}
      >
        <option value="draft">Drafts</option>
        <option value="queue">Queued posts</option>
      </SelectField>
      <TextAreaField
        label="Template"
        hint={`Placeholders: ${PLACEHOLDERS}. The text is shortened to fit the chosen channels; the link is never cut.`}
        rows={4}
        maxLength={2000}
        value={template}
        onChange={(e) => setTemplate(e.target.value)}
      />
      {feed ? null : (
        <TextField
          label="Also post the newest items now"
          hint="How many of the items already in the feed to post right away (0 to 10)."
          type="number"
          inputMode="numeric"
          min={0}
          max={10}
          value={importLatest}
          onChange={(e) => setImportLatest(e.target.value)}
        />
      )}
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          aria-disabled={previewAction.busy || undefined}
          onClick={showPreview}
        >
          {previewAction.busy ? 'Loading preview…' : 'Preview'}
        </button>
      </div>
      <ErrorAlert error={previewAction.error} />
      {preview ? (
        <section className="panel feed-preview" aria-labelledby={`${id}-preview`}>
          <h4 id={`${id}-preview`}>Preview: the newest items of {preview.title || preview.url}</h4>
          {preview.items.length === 0 ? <p className="muted">The feed has no items right now.</p> : null}
          <ol className="feed-preview-list">
            {preview.items.map((item, index) => (
              <li key={`${index}-${item.link ?? item.title}`}>
                {item.text !== null ? (
                  <pre className="feed-preview-text">{item.text}</pre>
                ) : (
                  <p className="channel-error">{item.problem}</p>
                )}
                {item.trimmed ? <p className="hint">Shortened to fit the chosen channels.</p> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <ErrorAlert error={save.error} />
      <div className="actions">
        <button type="submit" aria-disabled={save.busy || undefined}>
          {submitLabel}
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
