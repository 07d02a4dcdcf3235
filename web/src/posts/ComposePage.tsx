import { useEffect, useMemo, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError, isAbortError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, TextAreaField } from '../components/Fields.js';
import { approvalsApi } from '../approvals/approvals-api.js';
import { approvalsChanged } from '../approvals/ApprovalsNavCount.js';
import { PageHeading } from '../components/PageHeading.js';
import { nextHourIn } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { Link, navigate } from '../router.js';
import type { Channel, CreatePostInput, NetworkInfo, PostCheck, Workspace } from '../types.js';
import { ChannelVariant, emptyVariant } from './ChannelVariant.js';
import type { VariantDraft } from './ChannelVariant.js';
import { meaningfulOptions } from './OptionFields.js';
import { ScheduleFields } from './ScheduleFields.js';
import type { WhenMode } from './ScheduleFields.js';
import { SuggestingTextArea } from './SuggestingTextArea.js';

const WHEN_OPTIONS: { mode: WhenMode; label: string; hint?: string }[] = [
  { mode: 'now', label: 'Now' },
  { mode: 'time', label: 'At a time' },
  { mode: 'queue', label: 'Add to queue', hint: 'Each channel takes its next free queue slot.' },
  { mode: 'draft', label: 'Save as draft' },
  {
    mode: 'idea',
    label: 'Save as idea',
    hint: 'Kept with the ideas, never scheduled; it does not have to fit the channels yet.',
  },
];

const SUBMIT_LABELS: Record<WhenMode, string> = {
  now: 'Publish now',
  time: 'Schedule post',
  queue: 'Add to queue',
  draft: 'Save draft',
  idea: 'Save idea',
};

/** How long typing pauses before the server checks the draft. */
const CHECK_DELAY_MS = 400;

/** Why a channel cannot be chosen, or what choosing it means; null when there is nothing to say. */
function channelNote(channel: Channel): string | null {
  if (channel.status === 'disconnected') {
    return 'Disconnected: reconnect it in Settings → Channels to publish to it.';
  }
  if (channel.status === 'needs_reconnect') {
    return 'Needs reconnecting: the post waits until someone reconnects it.';
  }
  return null;
}

/**
 * The server's check of the post as it stands, asked for once typing pauses. `current` is false while the
 * answer is for an earlier version of the post.
 */
function useDraftCheck(
  workspaceId: string,
  input: CreatePostInput | null,
): { check: PostCheck | null; current: boolean } {
  const key = input ? JSON.stringify(input) : null;
  const [answer, setAnswer] = useState<{ key: string; check: PostCheck } | null>(null);
  useEffect(() => {
    if (!key || !input) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api.validatePost(workspaceId, input, controller.signal).then(
        (check) => setAnswer({ key, check }),
        (error: unknown) => {
          // A failed check is not an answer; saving will say what is wrong.
          if (!isAbortError(error)) setAnswer(null);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // `key` is the input, serialized: it changes exactly when the input does.
  }, [workspaceId, key]);
  return { check: answer?.check ?? null, current: answer !== null && answer.key === key };
}

export function ComposePage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Compose', workspace.name);
  const channels = useAsync(
    (signal) => api.channels(workspace.id, signal).then((r) => r.channels),
    [workspace.id],
  );
  const networks = useAsync((signal) => api.networks(signal).then((r) => r.networks), []);
  const settings = useAsync((signal) => api.composerSettings(workspace.id, signal), [workspace.id]);
  const [body, setBody] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [variants, setVariants] = useState<Record<string, VariantDraft>>({});
  const [mode, setMode] = useState<WhenMode>('now');
  const [local, setLocal] = useState(() => nextHourIn(workspace.timezone));
  const [shortenLinks, setShortenLinks] = useState(false);
  const { busy, error, setError, run } = useAction();
  const canPublish = can(workspace, 'posts.publish');
  // Someone whose role may not publish is offered to submit the post for approval as it is saved.
  const [submitForApproval, setSubmitForApproval] = useState(true);
  const [approvalNote, setApprovalNote] = useState('');
  const offerApproval = !canPublish && mode !== 'idea';

  const available = channels.data ?? [];
  const usable = available.filter((channel) => channel.status !== 'disconnected');
  const picked = chosen.filter((id) => usable.some((channel) => channel.id === id));
  const networkOf = (channel: Channel): NetworkInfo | undefined =>
    networks.data?.find((network) => network.id === channel.network);

  /** The post as the API takes it, from what is on the form. */
  const input = useMemo((): CreatePostInput => {
    const schedule =
      mode === 'now'
        ? { at: 'now' }
        : mode === 'time'
          ? { local }
          : mode === 'queue'
            ? { queue: true as const }
            : null;
    return {
      body,
      channels: picked.map((channelId) => {
        const draft = variants[channelId] ?? emptyVariant();
        const channel = usable.find((c) => c.id === channelId)!;
        const network = networkOf(channel);
        const options = meaningfulOptions(draft.options);
        const thread = network?.limits.threads ? draft.thread : [];
        return {
          channelId,
          ...(draft.own ? { body: draft.body } : {}),
          ...(thread.length > 0 ? { thread } : {}),
          ...(Object.keys(options).length > 0 ? { options } : {}),
          ...(network && network.limits.media.maxItems > 0 && draft.media.length > 0
            ? { media: draft.media }
            : {}),
          ...(network?.limits.firstComment && draft.firstComment.trim()
            ? ({ firstComment: draft.firstComment } as object)
            : {}),
        };
      }),
      schedule,
      ...(mode === 'idea' ? { kind: 'idea' as const } : {}),
      ...(shortenLinks ? { shortenLinks } : {}),
    };
  }, [body, picked.join(), variants, mode, local, shortenLinks, networks.data, channels.data]);

  const { check, current } = useDraftCheck(workspace.id, picked.length > 0 ? input : null);

  function toggle(channel: Channel, on: boolean): void {
    setChosen((list) => (on ? [...list, channel.id] : list.filter((id) => id !== channel.id)));
  }

  /** What is missing before the server is asked, in words; null when the form is complete. */
  function problem(): string | null {
    if (mode === 'idea') return body.trim() || picked.length > 0 ? null : 'Write the idea down first.';
    if (picked.length === 0) return 'Choose at least one channel to publish to.';
    if (!body.trim() && picked.some((id) => !(variants[id]?.own && variants[id].body.trim()))) {
      return 'Write the text of the post.';
    }
    if (mode === 'time' && !local) return 'Choose the date and time to publish at.';
    return null;
  }

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    const missing = problem();
    if (missing) {
      setError(new ApiError(0, 'incomplete', missing));
      return;
    }
    void run(async () => {
      const { post } = await api.createPost(workspace.id, input);
      // The post is saved whatever happens next; a submission that fails is said on the post's page.
      let approval = '';
      if (offerApproval && submitForApproval && post.approval?.state === 'required') {
        try {
          await approvalsApi.submit(workspace.id, post.id, approvalNote.trim() || undefined);
          approvalsChanged();
          approval = '&approval=submitted';
        } catch {
          approval = '&approval=failed';
        }
      }
      navigate(workspacePath(workspace, `posts/${encodeURIComponent(post.id)}?created=${mode}${approval}`), {
        focusHeading: true,
      });
    });
  }

  const scheduleError = check?.issues.find((i) => i.field === 'schedule')?.message ?? null;
  const shortener = settings.data?.linkShortener;

  return (
    <div className="stack">
      <PageHeading>Compose</PageHeading>
      <p className="lead">Write a post for {workspace.name} and choose where and when it goes out.</p>
      {!canPublish ? (
        <p className="callout">
          Your role needs approval to publish: the post goes out only once it is approved. Submit it for
          approval as you save it (below), or later from its page.
        </p>
      ) : null}
      <ErrorAlert error={channels.error ?? networks.error} />
      {channels.loading && !channels.data ? <p className="muted">Loading channels…</p> : null}
      {channels.data && available.length === 0 ? (
        <p className="placeholder">
          There are no channels to publish to yet.{' '}
          {can(workspace, 'channels.manage') ? (
            <Link to={workspacePath(workspace, 'settings/channels')}>Connect a channel</Link>
          ) : (
            'Ask someone who manages channels to connect one.'
          )}
        </p>
      ) : null}
      {channels.data && available.length > 0 ? (
        <form onSubmit={submit} noValidate className="stack compose-form">
          <SuggestingTextArea
            label="Post text"
            hint="Shared by every channel that does not have its own text. Type # or @ for earlier hashtags and mentions."
            workspaceId={workspace.id}
            rows={6}
            value={body}
            onValueChange={setBody}
            className="post-text-field"
          />
          <fieldset className="stack">
            <legend>Channels</legend>
            <ul className="channel-choices">
              {available.map((channel) => {
                const disabled = channel.status === 'disconnected';
                return (
                  <li key={channel.id}>
                    <Checkbox
                      label={channel.name}
                      description={channelNote(channel)}
                      disabled={disabled}
                      checked={!disabled && chosen.includes(channel.id)}
                      onChange={(e) => toggle(channel, e.target.checked)}
                    />
                  </li>
                );
              })}
            </ul>
          </fieldset>
          {check && check.issues.some((i) => i.field === 'channels') ? (
            <p className="field-error">{check.issues.find((i) => i.field === 'channels')!.message}</p>
          ) : null}
          {picked.map((channelId) => {
            const channel = usable.find((c) => c.id === channelId)!;
            const network = networkOf(channel);
            if (!network) return null;
            const channelCheck = check?.channels.find((c) => c.channelId === channelId) ?? null;
            return (
              <ChannelVariant
                key={channelId}
                workspace={workspace}
                channel={channel}
                network={network}
                sharedBody={body}
                draft={variants[channelId] ?? emptyVariant()}
                onChange={(draft) => setVariants((map) => ({ ...map, [channelId]: draft }))}
                check={channelCheck}
                current={current}
              />
            );
          })}
          <Checkbox
            label="Shorten links"
            checked={shortenLinks}
            onChange={(e) => setShortenLinks(e.target.checked)}
            description={
              shortener?.configured
                ? `Links are replaced by ${shortener.name ?? 'the link shortener'} when the post is saved; counts are for the text as written.`
                : 'No link shortener is configured on this server yet, so this has no effect: links are kept as written. A shortener (with click tracking) can be plugged in by whoever runs Chorus.'
            }
          />
          <ScheduleFields
            legend="When"
            options={WHEN_OPTIONS}
            mode={mode}
            onModeChange={setMode}
            local={local}
            onLocalChange={setLocal}
            timeZone={workspace.timezone}
            error={mode === 'time' ? scheduleError : null}
          />
          {offerApproval ? (
            <fieldset className="stack-tight">
              <legend>Approval</legend>
              <Checkbox
                label="Submit it for approval when it is saved"
                checked={submitForApproval}
                onChange={(e) => setSubmitForApproval(e.target.checked)}
                description="Approvers are told at once; what you save now is what they approve."
              />
              {submitForApproval ? (
                <TextAreaField
                  label="Note for the approvers (optional)"
                  value={approvalNote}
                  maxLength={2000}
                  rows={2}
                  onChange={(e) => setApprovalNote(e.target.value)}
                />
              ) : null}
            </fieldset>
          ) : null}
          <ErrorAlert error={error} />
          <div>
            <button type="submit" aria-disabled={busy || undefined}>
              {busy ? 'Saving…' : SUBMIT_LABELS[mode]}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
