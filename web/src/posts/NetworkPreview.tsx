import type { ReactNode } from 'react';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { MediaPreview } from '../media/MediaPreview.js';
import type { Channel, MediaUse, NetworkInfo, PreviewStyle } from '../types.js';
import { segments } from './richText.js';

export interface PreviewProps {
  channel: Pick<Channel, 'name' | 'account'>;
  network: Pick<NetworkInfo, 'name' | 'preview'>;
  text: string;
  thread: string[];
  options: Record<string, unknown>;
  /** The media of the first part, as chosen. */
  media: MediaUse[];
  workspaceId: string;
  /** Shows the media another way than through the workspace's library (a page without an account). */
  renderMedia?: ((media: MediaUse[]) => ReactNode) | undefined;
}

/** The chosen media as a grid (one, two side by side, or a 2×2 grid), with their alt text. */
function MediaGrid({ workspaceId, media }: { workspaceId: string; media: MediaUse[] }) {
  const key = media.map((m) => m.assetId).join(',');
  const assets = useAsync(
    (signal) =>
      Promise.all(media.map((m) => api.mediaAsset(workspaceId, m.assetId, signal).then((r) => r.asset))),
    [workspaceId, key],
  );
  if (media.length === 0 || !assets.data) return null;
  return (
    <div className={`preview-media preview-media-${Math.min(media.length, 4)}`}>
      {assets.data.map((asset, i) => (
        <MediaPreview
          key={`${asset.id}-${i}`}
          asset={asset}
          {...(media[i]?.alt ? { alt: media[i].alt } : {})}
        />
      ))}
    </div>
  );
}

/** The chosen media: the page's own way when it has one, else from the workspace's library. */
function Media({
  workspaceId,
  media,
  renderMedia,
}: Pick<PreviewProps, 'workspaceId' | 'media' | 'renderMedia'>) {
  if (media.length === 0) return null;
  return renderMedia ? renderMedia(media) : <MediaGrid workspaceId={workspaceId} media={media} />;
}

/** Text with links, hashtags and mentions marked the way the networks show them. */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {segments(text).map((s, i) =>
        s.kind === 'text' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <span key={i} className={`rich-${s.kind}`}>
            {s.text}
          </span>
        ),
      )}
    </>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (words.length > 1 ? `${words[0]![0]}${words[1]![0]}` : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function Avatar({ name }: { name: string }) {
  return (
    <span className="preview-avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}

/** The account line: display name, then the handle the channel acts as. */
function Who({ channel, badge }: { channel: PreviewProps['channel']; badge?: string }) {
  return (
    <span className="preview-who">
      <strong>{channel.name}</strong>
      {badge ? <span className="preview-badge">{badge}</span> : null}
      {channel.account ? <span className="preview-handle">{channel.account}</span> : null}
    </span>
  );
}

function Body({ text }: { text: string }) {
  return text.trim() ? (
    <p className="preview-text">
      <RichText text={text} />
    </p>
  ) : (
    <p className="preview-text muted">Nothing written yet.</p>
  );
}

/** A post of a microblog (Bluesky, Mastodon): avatar, name and handle, text, then the thread as replies. */
function Microblog({
  channel,
  text,
  thread,
  actions,
  warning,
  media,
  workspaceId,
  renderMedia,
}: PreviewProps & { actions: string[]; warning?: string }) {
  const parts = [text, ...thread];
  return (
    <ol className="preview-thread">
      {parts.map((part, i) => (
        <li key={i} className="preview-post">
          <Avatar name={channel.name} />
          <div>
            <Who channel={channel} />
            {warning ? (
              <details className="preview-warning">
                <summary>{warning}</summary>
                <Body text={part} />
              </details>
            ) : (
              <Body text={part} />
            )}
            {i === 0 ? <Media workspaceId={workspaceId} media={media} renderMedia={renderMedia} /> : null}
            <p className="preview-actions" aria-hidden="true">
              {actions.join('   ')}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}

function BlueskyPreview(props: PreviewProps) {
  return <Microblog {...props} actions={['💬 Reply', '🔁 Repost', '♡ Like']} />;
}

function MastodonPreview(props: PreviewProps) {
  const warning = typeof props.options.spoilerText === 'string' ? props.options.spoilerText.trim() : '';
  const visibility = typeof props.options.visibility === 'string' ? props.options.visibility : 'public';
  return (
    <>
      <Microblog
        {...props}
        actions={['↩ Reply', '🔁 Boost', '☆ Favourite']}
        {...(warning ? { warning } : {})}
      />
      <p className="preview-meta">Visibility: {visibility}</p>
    </>
  );
}

/** A channel message: a bubble with the text and the time. */
function TelegramPreview({ channel, text, media, workspaceId, renderMedia }: PreviewProps) {
  return (
    <div className="preview-chat">
      <div className="preview-bubble">
        <Media workspaceId={workspaceId} media={media} renderMedia={renderMedia} />
        <strong className="preview-channel-title">{channel.name}</strong>
        <Body text={text} />
        <span className="preview-time" aria-hidden="true">
          👁 · now
        </span>
      </div>
    </div>
  );
}

/** A chat message posted by an app: avatar, name with its badge, the text. */
function ChatMessage({
  channel,
  text,
  badge,
  media,
  workspaceId,
  renderMedia,
}: PreviewProps & { badge: string }) {
  return (
    <div className="preview-post">
      <Avatar name={channel.name} />
      <div>
        <Who channel={{ ...channel, account: null }} badge={badge} />
        <span className="preview-time">Today</span>
        <Body text={text} />
        <Media workspaceId={workspaceId} media={media} renderMedia={renderMedia} />
      </div>
    </div>
  );
}

function DiscordPreview(props: PreviewProps) {
  return <ChatMessage {...props} badge="APP" />;
}

function SlackPreview(props: PreviewProps) {
  return <ChatMessage {...props} badge="App" />;
}

/** What a webhook receiver gets: the text in a JSON body. */
function WebhookPreview({ text, thread }: PreviewProps) {
  const payload = JSON.stringify({ text, ...(thread.length ? { thread } : {}) }, null, 2);
  return (
    <pre className="preview-payload">
      <code>{payload}</code>
    </pre>
  );
}

/** Previews by the style a network declares; a style this app does not know falls back to the webhook's. */
const PREVIEWS: Record<PreviewStyle, (props: PreviewProps) => ReactNode> = {
  bluesky: BlueskyPreview,
  mastodon: MastodonPreview,
  telegram: TelegramPreview,
  discord: DiscordPreview,
  slack: SlackPreview,
  webhook: WebhookPreview,
};

/** How the post will look on the channel's network, in the look its network declares. */
export function NetworkPreview(props: PreviewProps & { counter: ReactNode }) {
  const Preview = PREVIEWS[props.network.preview] ?? WebhookPreview;
  return (
    <figure className={`preview preview-${props.network.preview}`}>
      <figcaption>
        Preview on {props.network.name} <span className="preview-counter">{props.counter}</span>
      </figcaption>
      <Preview {...props} />
    </figure>
  );
}
