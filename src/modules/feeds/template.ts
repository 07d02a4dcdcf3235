import type { TextLimits } from '../../networks/contract.js';
import type { FeedEntry } from './parse.js';

/** What a template may contain, and what each stands for. */
export const PLACEHOLDERS = {
  title: "The item's title",
  link: "The item's address",
  summary: "The item's summary or content, as plain text",
  author: "The item's author, when the feed names one",
  feed: "The feed's own title",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

export const DEFAULT_TEMPLATE = '{title}\n\n{link}';
export const MAX_TEMPLATE_LENGTH = 2_000;

const PLACEHOLDER_RE = /\{(\w+)\}/g;

/** What is wrong with a template, or undefined when it is fine. */
export function templateProblem(template: string): string | undefined {
  if (template.trim() === '') return 'The template is empty. Use placeholders such as {title} and {link}.';
  if (template.length > MAX_TEMPLATE_LENGTH)
    return `The template is ${template.length} characters long; the limit is ${MAX_TEMPLATE_LENGTH}.`;
  const unknown = [...template.matchAll(PLACEHOLDER_RE)]
    .map((m) => m[1]!)
    .filter((name) => !(name in PLACEHOLDERS));
  if (unknown.length > 0) {
    return `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].map((u) => `{${u}}`).join(', ')}. Use ${Object.keys(
      PLACEHOLDERS,
    )
      .map((p) => `{${p}}`)
      .join(', ')}.`;
  }
  return undefined;
}

type Values = Record<Placeholder, string>;

/** The template with its placeholders filled in; blank lines left by empty values are removed. */
export function render(template: string, values: Values): string {
  const text = template.replace(PLACEHOLDER_RE, (whole, name: string) =>
    name in PLACEHOLDERS ? values[name as Placeholder] : whole,
  );
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

/** The first `n` graphemes of `text`, cut back to a word boundary when one is near, with an ellipsis. */
function shorten(parts: string[], n: number): string {
  if (n >= parts.length) return parts.join('');
  if (n <= 0) return '';
  let cut = parts.slice(0, n).join('');
  const space = cut.lastIndexOf(' ');
  if (space > cut.length * 0.6) cut = cut.slice(0, space);
  return `${cut.replace(/[\s.,;:!?\-–—]+$/u, '')}…`;
}

/** The largest n in [0, max] with ok(n), assuming ok is true up to some point and false after. */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  if (!ok(0)) return -1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type RenderResult = { ok: true; text: string; trimmed: boolean } | { ok: false; problem: string };

/**
 * The post text for an item: the template rendered, then made to fit every limit in `limits` (each
 * channel's network counts in its own way, e.g. a link as 23 characters). The summary is shortened first,
 * then the title, then the author; the link is never cut. When even the link and the template's own text
 * do not fit, the text is the link alone, and when that does not fit either, there is no text.
 */
export function renderFor(
  template: string,
  entry: Pick<FeedEntry, 'title' | 'link' | 'summary' | 'author'>,
  feedTitle: string,
  limits: readonly TextLimits[],
): RenderResult {
  const values: Values = {
    title: entry.title,
    link: entry.link ?? '',
    summary: entry.summary,
    author: entry.author,
    feed: feedTitle,
  };
  const fits = (text: string) => limits.every((l) => l.count(text) <= l.max);
  const full = render(template, values);
  if (full === '') return { ok: false, problem: 'The template gives an empty text for this item.' };
  if (fits(full)) return { ok: true, text: full, trimmed: false };
  const current = { ...values };
  for (const field of ['summary', 'title', 'author', 'feed'] as const) {
    const parts = graphemes(values[field]);
    const n = largest(parts.length, (k) =>
      fits(render(template, { ...current, [field]: shorten(parts, k) })),
    );
    if (n >= 0) {
      const text = render(template, { ...current, [field]: shorten(parts, n) });
      if (text !== '') return { ok: true, text, trimmed: true };
    }
    current[field] = '';
  }
  if (values.link && fits(values.link)) return { ok: true, text: values.link, trimmed: true };
  return {
    ok: false,
    problem: values.link
      ? 'Even the item’s link alone is longer than a chosen channel allows.'
      : 'The template’s own text is longer than a chosen channel allows. Shorten the template.',
  };
}
