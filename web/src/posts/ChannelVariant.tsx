import { useId } from 'react';
import { Checkbox } from '../components/Fields.js';
import { MediaPicker } from '../media/MediaPicker.js';
import type { Channel, MediaUse, NetworkInfo, PostCheck, PostCheckIssue, Workspace } from '../types.js';
import { NetworkPreview } from './NetworkPreview.js';
import { OptionFields } from './OptionFields.js';
import { SuggestingTextArea } from './SuggestingTextArea.js';
import { countText } from './richText.js';

/** What the composer holds for one channel. */
export interface VariantDraft {
  /** Own text instead of the shared one. */
  own: boolean;
  body: string;
  /** Further parts of a thread, where the network has threads. */
  thread: string[];
  /** Where the network declares a first comment. */
  firstComment: string;
  options: Record<string, unknown>;
  /** Media library assets, in order, where the network takes media. */
  media: MediaUse[];
}

export const emptyVariant = (): VariantDraft => ({
  own: false,
  body: '',
  thread: [],
  firstComment: '',
  options: {},
  media: [],
});

type ChannelCheck = PostCheck['channels'][number];

/** "243 / 300 graphemes", marked when over the limit. */
export function Counter({ count, max, unit }: { count: number; max: number; unit: string }) {
  const over = count > max;
  return (
    <span className={over ? 'counter counter-over' : 'counter'}>
      {count} / {max} {unit}
      {over ? <span className="visually-hidden"> (over the limit)</span> : null}
    </span>
  );
}

function Issues({ id, issues }: { id: string; issues: PostCheckIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="field-errors" aria-live="polite">
      {issues.map((issue, i) => (
        <li key={i}>{issue.message}</li>
      ))}
    </ul>
  );
}

interface ChannelVariantProps {
  workspace: Workspace;
  channel: Channel;
  network: NetworkInfo;
  sharedBody: string;
  draft: VariantDraft;
  onChange: (draft: VariantDraft) => void;
  /** The server's latest check of this channel's draft; null before the first answer. */
  check: ChannelCheck | null;
  /** Whether that check is of the draft as it stands (its counts win over the browser's). */
  current: boolean;
}

/**
 * One channel's version of the post: its own text or the shared one, thread parts and first comment where
 * the network has them, the network's options, a counter counted the network's way, the problems saving
 * would refuse, each where it belongs, and a preview in the network's look.
 */
export function ChannelVariant({
  workspace,
  channel,
  network,
  sharedBody,
  draft,
  onChange,
  check,
  current,
}: ChannelVariantProps) {
  const id = useId();
  const workspaceId = workspace.id;
  const limits = network.limits;
  const text = draft.own ? draft.body : sharedBody;
  const issues = check?.issues ?? [];
  const of = (field: PostCheckIssue['field'], part?: number) =>
    issues.filter((i) => i.field === field && (part === undefined || i.part === part));
  // The browser counts at once; the server's count, once it answers for this very text, is the one shown.
  const served = current ? check : null;
  const count = served?.text?.count ?? countText(text, limits.text);
  const partCount = (i: number) => served?.thread[i]?.count ?? countText(draft.thread[i] ?? '', limits.text);
  const set = (patch: Partial<VariantDraft>) => onChange({ ...draft, ...patch });
  const optionErrors: Record<string, string[]> = {};
  for (const issue of of('options')) (optionErrors[issue.option ?? ''] ??= []).push(issue.message);
  const unplacedOptionIssues = of('options').filter(
    (i) => !network.options.some((field) => field.name === i.option),
  );
  const counterId = `${id}-count`;
  const textErrorsId = `${id}-text-errors`;
  const counter = <Counter count={count} max={limits.text.max} unit={limits.text.unit} />;

  return (
    <section className="panel channel-variant" aria-label={`Version for ${channel.name}`}>
      <h2 className="panel-heading">{channel.name}</h2>
      <p className="muted">
        {network.name}
        {channel.account ? ` · ${channel.account}` : ''}
      </p>
      <div className="variant-grid">
        <div className="stack">
          <Issues id={`${id}-channel-errors`} issues={of('channel')} />
          <Checkbox
            label={`Use the shared text for ${channel.name}`}
            checked={!draft.own}
            onChange={(e) =>
              set({ own: !e.target.checked, body: draft.own ? draft.body : draft.body || sharedBody })
            }
          />
          {draft.own ? (
            <SuggestingTextArea
              label={`Text for ${channel.name}`}
              workspaceId={workspaceId}
              rows={4}
              value={draft.body}
              onValueChange={(body) => set({ body })}
              describedBy={`${counterId} ${of('text').length ? textErrorsId : ''}`.trim()}
            />
          ) : null}
          <p id={counterId} className="hint" aria-live="polite">
            {draft.own ? 'Its own text: ' : 'The shared text: '}
            {counter}
          </p>
          <Issues id={textErrorsId} issues={of('text')} />
          {limits.threads ? (
            <fieldset className="stack thread-parts">
              <legend>Thread on {channel.name}</legend>
              {draft.thread.map((part, i) => (
                <div key={i} className="stack">
                  <SuggestingTextArea
                    label={`Thread part ${i + 2} for ${channel.name}`}
                    workspaceId={workspaceId}
                    rows={3}
                    value={part}
                    onValueChange={(value) =>
                      set({ thread: draft.thread.map((p, j) => (j === i ? value : p)) })
                    }
                    describedBy={`${id}-part-${i}`}
                  />
                  <p id={`${id}-part-${i}`} className="hint">
                    <Counter count={partCount(i)} max={limits.text.max} unit={limits.text.unit} />
                  </p>
                  <Issues id={`${id}-part-${i}-errors`} issues={of('thread', i)} />
                  <div>
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => set({ thread: draft.thread.filter((_, j) => j !== i) })}
                    >
                      Remove part {i + 2}
                    </button>
                  </div>
                </div>
              ))}
              <Issues
                id={`${id}-thread-errors`}
                issues={issues.filter((i) => i.field === 'thread' && i.part === undefined)}
              />
              <div>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => set({ thread: [...draft.thread, ''] })}
                >
                  Add a thread part
                </button>
              </div>
            </fieldset>
          ) : (
            <Issues id={`${id}-thread-errors`} issues={of('thread')} />
          )}
          {limits.firstComment ? (
            <SuggestingTextArea
              label={`First comment on ${channel.name}`}
              hint="Posted as the first comment right after the post."
              workspaceId={workspaceId}
              rows={2}
              value={draft.firstComment}
              onValueChange={(firstComment) => set({ firstComment })}
            />
          ) : null}
          {limits.media.maxItems > 0 ? (
            <MediaPicker
              workspace={workspace}
              value={draft.media}
              onChange={(media) => set({ media })}
              label={`Media for ${channel.name}`}
              max={limits.media.maxItems}
              issues={of('media').map((i) => ({ index: i.item ?? null, message: i.message }))}
            />
          ) : (
            <Issues id={`${id}-media-errors`} issues={of('media')} />
          )}
          <OptionFields
            fields={network.options}
            values={draft.options}
            onChange={(options) => set({ options })}
            channelName={channel.name}
            errors={optionErrors}
          />
          <Issues id={`${id}-option-errors`} issues={unplacedOptionIssues} />
        </div>
        <NetworkPreview
          channel={channel}
          network={network}
          text={text}
          thread={limits.threads ? draft.thread : []}
          options={draft.options}
          media={limits.media.maxItems > 0 ? draft.media : []}
          workspaceId={workspaceId}
          counter={counter}
        />
      </div>
    </section>
  );
}
