/** Alt text and tags as a person may set them: the limits, and the checks that apply them. */
import { invalid } from '../../core/errors.js';

/** The longest alt text (characters) and tag a person may set, and how many tags an asset carries. */
export const ALT_MAX = 5000;
export const TAG_MAX = 50;
export const TAGS_MAX = 30;

/** Tags trimmed, lower-cased and without duplicates; `invalid` when one is too long or there are too many. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ').toLowerCase();
    if (tag === '') continue;
    if (tag.length > TAG_MAX)
      throw invalid(`The tag "${tag.slice(0, 60)}…" is longer than ${TAG_MAX} characters.`);
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > TAGS_MAX)
    throw invalid(`An asset can carry at most ${TAGS_MAX} tags; remove ${out.length - TAGS_MAX}.`);
  return out;
}

/** Alt text trimmed; `invalid` when it is too long. */
export function checkAlt(alt: string | undefined): string | undefined {
  if (alt === undefined) return undefined;
  const trimmed = alt.trim();
  if ([...trimmed].length > ALT_MAX)
    throw invalid(`The alt text is longer than ${ALT_MAX} characters; shorten it.`);
  return trimmed;
}
