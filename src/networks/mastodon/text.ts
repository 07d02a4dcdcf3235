import { countGraphemes } from '../contract.js';

/**
 * How Mastodon measures a status, and how its HTML turns back into text.
 *
 * Length (https://docs.joinmastodon.org/user/posting/#text): every http(s) link counts as 23 characters
 * whatever its length (#links; the instance may say otherwise in `characters_reserved_per_url`), and a
 * mention of a remote account counts only its username part, not the domain (#mentions). Mastodon counts
 * grapheme clusters (app/validators/status_length_validator.rb), so an emoji sequence counts once.
 */

// A link as Mastodon extracts one: a scheme, a dotted host, an optional port and path. Trailing punctuation
// is not part of the link ("see https://example.com." ends at "com").
const LINK =
  /(?<![\p{L}\p{N}_@$#/])https?:\/\/(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}(?::\d+)?(?:[/?#][^\s]*)?/giu;
const TRAILING = /[.,:;!?'"”’)\]]$/u;
// @username@domain: only "@username" counts.
const REMOTE_MENTION =
  /(?<![\p{L}\p{N}_/@])@([\p{L}\p{N}_]+(?:[.-]+[\p{L}\p{N}_]+)*)@(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]+/giu;

const count = (text: string, char: string) => text.split(char).length - 1;

function trimLink(match: string): string {
  let url = match;
  while (TRAILING.test(url)) {
    // Keep a closing parenthesis that closes one inside the link (Wikipedia-style paths).
    if (url.endsWith(')') && count(url, '(') >= count(url, ')')) break;
    url = url.slice(0, -1);
  }
  return url;
}

/** The text Mastodon measures: links replaced by a fixed-width placeholder, remote mentions by the username. */
export function countableText(text: string, charactersPerUrl = 23): string {
  return text
    .replace(LINK, (match) => {
      const url = trimLink(match);
      return 'x'.repeat(charactersPerUrl) + match.slice(url.length);
    })
    .replace(REMOTE_MENTION, (_match, username: string) => `@${username}`);
}

export function mastodonCounter(charactersPerUrl = 23): (text: string) => number {
  return (text) => countGraphemes(countableText(text, charactersPerUrl));
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntity(entity: string, body: string): string {
  if (body.startsWith('#')) {
    const code =
      body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  return NAMED[body.toLowerCase()] ?? entity;
}

/**
 * Status HTML (https://docs.joinmastodon.org/entities/Status/#content) back to plain text: paragraphs become
 * blank lines, <br> a newline, tags are dropped (a shortened link keeps its hidden parts, so the full URL
 * comes back), and entities are decoded in one pass (so "&amp;lt;" stays "&lt;").
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p(?:\s[^>]*)?>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => decodeEntity(entity, body));
}

/** Mastodon ids are numeric strings of varying length: a longer id is a newer one. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
