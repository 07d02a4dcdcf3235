import type { NetworkLimits } from '../types.js';

/**
 * Text as the composer sees it: counted the way a network counts (from the rules the server declares for
 * it in `GET /api/v1/networks`), and split into links, hashtags and mentions for the previews. The server's
 * count (`POST …/posts/validate`) is the one that decides; this one answers while typing.
 */

// The server's patterns (src/modules/publishing/text-tokens.ts, src/networks/mastodon/text.ts).
const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING = /[.,:;!?'"”’)\]]+$/u;
const HASHTAG = /(?<![\p{L}\p{N}_&#/])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu;
const MENTION =
  /(?<![\p{L}\p{N}_@/.])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu;
// How a network that weighs links finds them (src/networks/mastodon/text.ts): a scheme, a dotted host, an
// optional port and path; trailing punctuation is not part of it, except a parenthesis closing one inside.
const WEIGHED_LINK =
  /(?<![\p{L}\p{N}_@$#/])https?:\/\/(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}(?::\d+)?(?:[/?#][^\s]*)?/giu;
const TRAILING_ONE = /[.,:;!?'"”’)\]]$/u;
const occurrences = (text: string, char: string) => text.split(char).length - 1;

function trimLink(match: string): string {
  let url = match;
  while (TRAILING_ONE.test(url)) {
    if (url.endsWith(')') && occurrences(url, '(') >= occurrences(url, ')')) break;
    url = url.slice(0, -1);
  }
  return url;
}

const REMOTE_MENTION =
  /(?<![\p{L}\p{N}_/@])@([\p{L}\p{N}_]+(?:[.-]+[\p{L}\p{N}_]+)*)@(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]+/giu;

const segmenter =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

export function countGraphemes(text: string): number {
  if (!segmenter) return [...text].length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}

/** The length of `text` on a network with these limits, in its unit. */
export function countText(text: string, limits: NetworkLimits['text']): number {
  let measured = text;
  if (limits.linkLength !== null) {
    const width = limits.linkLength;
    measured = measured.replace(WEIGHED_LINK, (match) => {
      const link = trimLink(match);
      return 'x'.repeat(width) + match.slice(link.length);
    });
  }
  if (limits.remoteMentionCountsUser)
    measured = measured.replace(REMOTE_MENTION, (_m, user: string) => `@${user}`);
  return limits.unit === 'graphemes' ? countGraphemes(measured) : [...measured].length;
}

export type Segment = { kind: 'text' | 'link' | 'hashtag' | 'mention'; text: string };

/** `text` split into plain runs, links, hashtags and mentions, in order. */
export function segments(text: string): Segment[] {
  const found: { start: number; end: number; kind: Segment['kind'] }[] = [];
  for (const m of text.matchAll(LINK)) {
    const link = m[0].replace(TRAILING, '');
    found.push({ start: m.index, end: m.index + link.length, kind: 'link' });
  }
  const outsideLinks = (start: number) =>
    !found.some((f) => f.kind === 'link' && start >= f.start && start < f.end);
  for (const [pattern, kind] of [
    [HASHTAG, 'hashtag'],
    [MENTION, 'mention'],
  ] as const) {
    for (const m of text.matchAll(pattern)) {
      if (outsideLinks(m.index)) found.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const f of found) {
    if (f.start < at) continue;
    if (f.start > at) out.push({ kind: 'text', text: text.slice(at, f.start) });
    out.push({ kind: f.kind, text: text.slice(f.start, f.end) });
    at = f.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

/** The `#tag` or `@handle` being typed just before the caret, with where it starts; null when none. */
export function tokenAtCaret(
  text: string,
  caret: number,
): { sign: '#' | '@'; start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const m = /(?:^|[^\p{L}\p{N}_#@/&])([#@])([\p{L}\p{N}_.@-]*)$/u.exec(before);
  if (!m) return null;
  const prefix = m[2]!;
  return { sign: m[1] as '#' | '@', start: caret - prefix.length - 1, prefix };
}
