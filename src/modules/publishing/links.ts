/**
 * Link shortening: where link tracking plugs into Chorus. When a post is saved with `shortenLinks: true`,
 * the posts service collects every http(s) link of its shared text, per-channel texts, thread parts and
 * first comments, asks the workspace's `LinkShortener` for a replacement of each, and saves the text with
 * the replacements, before the post is checked against each network's limits (a shorter link may make a
 * post fit). A shortener that tracks clicks returns its own redirect address for each link.
 *
 * The default shortener keeps every link as written: until one is configured, the composer's "Shorten
 * links" switch has no effect, and says so. A shortener is given to `PostsService` in the composition
 * root (src/runtime/services.ts).
 */
export interface LinkShortener {
  /** Shown in the composer ("Links are shortened by …"); null when links are kept as written. */
  readonly name: string | null;
  /**
   * The replacement of each link (a link left out of the map stays as written). Called once per save with
   * every distinct link of the post; may call out (through safe-fetch) and may throw to refuse the save.
   */
  shorten(
    links: readonly string[],
    context: { workspaceId: string; postId: string },
  ): Promise<ReadonlyMap<string, string>>;
}

/** The default: links stay as written. */
export const keepLinks: LinkShortener = {
  name: null,
  shorten: () => Promise.resolve(new Map()),
};

// An http(s) link up to whitespace; trailing punctuation is not part of it ("see https://a.example.").
const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING = /[.,:;!?'"”’)\]]+$/u;

/** The distinct http(s) links of some texts, in order of first appearance. */
export function linksIn(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(LINK)) found.add(match[0].replace(TRAILING, ''));
  }
  return [...found];
}

/** `text` with each link the map names replaced; punctuation after a link stays where it was. */
export function replaceLinks(text: string, replacements: ReadonlyMap<string, string>): string {
  if (replacements.size === 0) return text;
  return text.replace(LINK, (match) => {
    const link = match.replace(TRAILING, '');
    const replacement = replacements.get(link);
    return replacement === undefined ? match : replacement + match.slice(link.length);
  });
}
