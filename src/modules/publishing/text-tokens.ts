/**
 * Hashtags and mentions as people write them in posts, for the composer's suggestions. The same patterns
 * highlight them in the composer's previews (web/src/posts/richText.ts).
 */
export type TokenKind = 'hashtag' | 'mention';

// #word: letters, digits and _, at least one letter, not inside a word or a link fragment ("a#b", "&#39;").
const HASHTAG = /(?<![\p{L}\p{N}_&#/])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;
// @handle, @handle.bsky.social or @user@server.example: not inside an address ("ana@example.com").
const MENTION =
  /(?<![\p{L}\p{N}_@/.])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?)/gu;

/** The hashtags or mentions of one text, with their sign (#, @), in order. */
export function tokensIn(kind: TokenKind, text: string): string[] {
  const pattern = kind === 'hashtag' ? HASHTAG : MENTION;
  const sign = kind === 'hashtag' ? '#' : '@';
  return [...text.matchAll(pattern)].map((m) => sign + m[1]!);
}

/**
 * Distinct hashtags or mentions of `texts` (newest first) starting with `prefix` (with or without its sign,
 * any case), most used first; ties keep the order they were last used in. Each is spelt as most recently
 * written.
 */
export function countTokens(
  kind: TokenKind,
  texts: readonly string[],
  prefix: string,
): { value: string; uses: number }[] {
  const sign = kind === 'hashtag' ? '#' : '@';
  const wanted = (prefix.startsWith(sign) ? prefix : sign + prefix).toLowerCase();
  const found = new Map<string, { value: string; uses: number; first: number }>();
  let order = 0;
  for (const text of texts) {
    for (const token of tokensIn(kind, text)) {
      const key = token.toLowerCase();
      if (!key.startsWith(wanted)) continue;
      const seen = found.get(key);
      if (seen) seen.uses += 1;
      else found.set(key, { value: token, uses: 1, first: order++ });
    }
  }
  return [...found.values()]
    .sort((a, b) => b.uses - a.uses || a.first - b.first)
    .map(({ value, uses }) => ({ value, uses }));
}
