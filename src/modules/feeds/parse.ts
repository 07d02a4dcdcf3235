import { TextDecoder } from 'node:util';
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { collapse, decodeEntities, htmlToText, unwrapXml } from './text.js';

/** The formats Chorus reads. JSON Feed and HTML pages are refused with a message saying so. */
export type FeedFormat = 'rss2' | 'rss1' | 'atom';

export const FORMAT_NAMES: Record<FeedFormat, string> = {
  rss2: 'RSS 2.0',
  rss1: 'RSS 1.0',
  atom: 'Atom',
};

export interface FeedEntry {
  /** What identifies the item across polls: guid / rdf:about / id, else its link, else a hash of its text. */
  key: string;
  title: string;
  /** Absolute http(s) address of the item, when it has one. */
  link: string | null;
  /** Plain text: HTML removed, entities decoded, white space collapsed. */
  summary: string;
  author: string;
  publishedAt: Date | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string;
  siteUrl: string | null;
  /** In the feed's own order (usually newest first). */
  entries: FeedEntry[];
}

/** The body is not a feed Chorus can read; the message says what it is and what to do. */
export class NotAFeedError extends Error {
  constructor(
    message: string,
    /** A feed address the page links to (an HTML page's `<link rel="alternate">`), to suggest. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** Keys longer than this are stored as a hash (some feeds use whole URLs with long queries as guids). */
const MAX_KEY_LENGTH = 500;
const MAX_SUMMARY_LENGTH = 5_000;
const MAX_TITLE_LENGTH = 1_000;

/**
 * Entities declared in a DOCTYPE are expanded within tight bounds and never from outside the document
 * (external entities are refused by the parser); an entity whose value refers to another is not expanded
 * at all, so nesting ("billion laughs") cannot multiply. Elements that carry HTML are kept raw and turned
 * into text by `htmlToText`.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: false,
  processEntities: {
    enabled: true,
    maxEntityCount: 50,
    maxEntitySize: 1_000,
    maxTotalExpansions: 10_000,
    maxExpandedLength: 1_000_000,
  },
  stopNodes: ['*.description', '*.summary', '*.content', '*.encoded'],
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link' || name === 'author',
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a parsed element: a string, or an element's #text (attributes ignored). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (isNode(value)) {
    if ('#text' in value) return textOf(value['#text']);
    return Object.entries(value)
      .filter(([k]) => !k.startsWith('@_'))
      .map(([, v]) => textOf(v))
      .join(' ');
  }
  return '';
}

const attr = (value: unknown, name: string): string | undefined => {
  const node = Array.isArray(value) ? value[0] : value;
  const v = isNode(node) ? node[`@_${name}`] : undefined;
  return typeof v === 'string' ? v : undefined;
};

/** A title or name: markup removed and entities decoded (feeds put both in titles, whatever specs say). */
const plain = (value: unknown): string => htmlToText(decodeEntities(textOf(value)));

/** Text of an element kept raw (description, summary, content): HTML or XHTML, or plain text. */
function richText(value: unknown): string {
  const raw = textOf(value);
  const type = attr(value, 'type');
  const text = type === 'text' ? collapse(unwrapXml(raw)) : htmlToText(unwrapXml(raw));
  return text.length > MAX_SUMMARY_LENGTH ? text.slice(0, MAX_SUMMARY_LENGTH) : text;
}

/** An absolute http(s) URL, resolved against the feed's address; null for anything else. */
function absoluteLink(value: string | undefined, base: string): string | null {
  const v = value?.trim();
  if (!v) return null;
  try {
    const url = new URL(v, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function dateOf(value: unknown): Date | null {
  const text = textOf(value).trim();
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

function keyOf(id: string, link: string | null, title: string, summary: string): string {
  const key = id.trim() || link || (title || summary ? `text:${sha256(`${title}\n${summary}`)}` : '');
  return key.length > MAX_KEY_LENGTH ? `sha256:${sha256(key)}` : key;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function rssEntry(item: Node, base: string): FeedEntry {
  const link = absoluteLink(textOf(item.link), base);
  const title = plain(item.title).slice(0, MAX_TITLE_LENGTH);
  const summary = richText(item.description ?? item.encoded ?? item.content ?? '');
  // RSS 2.0 guid; RSS 1.0 rdf:about (an attribute of the item).
  const id = textOf(item.guid) || (typeof item['@_about'] === 'string' ? item['@_about'] : '');
  return {
    key: keyOf(id, link, title, summary),
    title,
    link,
    summary,
    author: plain(item.creator ?? item.author ?? ''),
    publishedAt: dateOf(item.pubDate ?? item.date ?? item.published ?? ''),
  };
}

function atomLink(links: unknown, base: string): string | null {
  const list = (Array.isArray(links) ? links : [links]).filter(isNode);
  const chosen =
    list.find(
      (l) => (l['@_rel'] ?? 'alternate') === 'alternate' && !l['@_type']?.toString().includes('xml'),
    ) ??
    list.find((l) => (l['@_rel'] ?? 'alternate') === 'alternate') ??
    list[0];
  return absoluteLink(chosen ? textOf(chosen['@_href']) : undefined, base);
}

function atomEntry(entry: Node, base: string): FeedEntry {
  const link = atomLink(entry.link, base);
  const title = plain(entry.title).slice(0, MAX_TITLE_LENGTH);
  const summary = richText(entry.summary ?? entry.content ?? '');
  const authors = (Array.isArray(entry.author) ? entry.author : [])
    .map((a) => plain(isNode(a) ? a.name : a))
    .filter(Boolean);
  return {
    key: keyOf(textOf(entry.id), link, title, summary),
    title,
    link,
    summary,
    author: authors.join(', '),
    publishedAt: dateOf(entry.published ?? entry.updated ?? ''),
  };
}

/** Whether the start of a document looks like an HTML page rather than a feed. */
function looksLikeHtml(head: string): boolean {
  return (
    head.startsWith('<!doctype html') ||
    (/<(html|head|body)[\s>]/.test(head.slice(0, 1_000)) && !/<(rss|feed|rdf:rdf)[\s>]/.test(head))
  );
}

/** Names what a body that is not a feed looks like, for the error message. */
function describeNonFeed(text: string, base: string): NotAFeedError {
  const head = text.slice(0, 2_000).trimStart().toLowerCase();
  if (head === '') return new NotAFeedError('The address answered with an empty body, not a feed.');
  if (looksLikeHtml(head)) {
    const alternate = /<link\b[^>]*>/gi;
    let suggestion: string | undefined;
    for (const tag of text.slice(0, 200_000).match(alternate) ?? []) {
      if (!/rel\s*=\s*["']?alternate/i.test(tag)) continue;
      if (!/type\s*=\s*["']?application\/(rss|atom)\+xml/i.test(tag)) continue;
      const href = /href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
      suggestion = absoluteLink(decodeEntities(href?.[1] ?? href?.[2] ?? href?.[3] ?? ''), base) ?? undefined;
      if (suggestion) break;
    }
    return new NotAFeedError(
      suggestion
        ? `The address is a web page (HTML), not a feed. The page names its feed: subscribe to ${suggestion} instead.`
        : 'The address is a web page (HTML), not a feed. Find the site’s RSS or Atom address (often /feed or /rss.xml) and subscribe to that.',
      suggestion,
    );
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    return new NotAFeedError(
      'The address answered with JSON, not RSS or Atom. Chorus reads RSS 2.0, RSS 1.0 and Atom feeds; look for the site’s RSS or Atom address.',
    );
  }
  return new NotAFeedError(
    'The address did not answer with a feed: its body is neither RSS 2.0, RSS 1.0 nor Atom XML. Check the address.',
  );
}

/** Turns bytes into text by the XML declaration's encoding, else the header's charset, else UTF-8. */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(
    body.subarray(0, 200).toString('latin1'),
  );
  const header = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '');
  const label = declared?.[1] ?? header?.[1] ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}

/**
 * Parses an RSS 2.0, RSS 1.0 or Atom document. Throws `NotAFeedError` for anything else (an HTML page,
 * JSON, broken XML, an empty body, XML of another kind), saying what it was.
 */
export function parseFeed(text: string, base: string): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed.startsWith('<')) throw describeNonFeed(trimmed, base);
  if (looksLikeHtml(trimmed.slice(0, 2_000).toLowerCase())) throw describeNonFeed(trimmed, base);
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) {
    throw new NotAFeedError(
      `The feed is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}). Ask its publisher to fix it, or check the address.`,
    );
  }
  let doc: Node;
  try {
    doc = parser.parse(trimmed) as Node;
  } catch (error) {
    const message = (error as Error).message;
    throw new NotAFeedError(
      /external entit/i.test(message)
        ? 'The feed declares external entities, which Chorus never loads. Ask its publisher to remove them.'
        : /entit|expan/i.test(message)
          ? 'The feed declares entities whose expansion exceeds Chorus’s limits. Ask its publisher to remove them.'
          : `The feed could not be read: ${message}`,
    );
  }
  if (isNode(doc.rss)) {
    const channel = doc.rss.channel;
    if (!isNode(channel)) throw new NotAFeedError('The RSS document has no <channel>: it is not a feed.');
    const items = (Array.isArray(channel.item) ? channel.item : []).filter(isNode);
    return {
      format: 'rss2',
      title: plain(channel.title).slice(0, MAX_TITLE_LENGTH),
      siteUrl: absoluteLink(textOf(channel.link), base),
      entries: items.map((i) => rssEntry(i, base)).filter((e) => e.key !== ''),
    };
  }
  if (isNode(doc.RDF)) {
    const rdf = doc.RDF;
    const channel = isNode(rdf.channel) ? rdf.channel : {};
    const items = (Array.isArray(rdf.item) ? rdf.item : []).filter(isNode);
    if (!isNode(rdf.channel) && items.length === 0)
      throw new NotAFeedError('The RDF document has neither a channel nor items: it is not an RSS 1.0 feed.');
    return {
      format: 'rss1',
      title: plain(channel.title).slice(0, MAX_TITLE_LENGTH),
      siteUrl: absoluteLink(textOf(channel.link), base),
      entries: items.map((i) => rssEntry(i, base)).filter((e) => e.key !== ''),
    };
  }
  if (isNode(doc.feed)) {
    const feed = doc.feed;
    const entries = (Array.isArray(feed.entry) ? feed.entry : []).filter(isNode);
    return {
      format: 'atom',
      title: plain(feed.title).slice(0, MAX_TITLE_LENGTH),
      siteUrl: atomLink(feed.link, base),
      entries: entries.map((e) => atomEntry(e, base)).filter((e) => e.key !== ''),
    };
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  throw new NotAFeedError(
    root === 'html'
      ? describeNonFeed(trimmed, base).message
      : `The address answered with XML whose root element is <${root ?? '?'}>, not an RSS (<rss>, <rdf:RDF>) or Atom (<feed>) feed.`,
  );
}
