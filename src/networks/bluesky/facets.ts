/**
 * Rich-text facets for Bluesky posts: links, mentions and hashtags with UTF-8 byte ranges, as described at
 * https://docs.bsky.app/docs/advanced-guides/post-richtext. Mentions carry a handle here; the publisher
 * resolves it to a DID and drops mentions that do not resolve.
 */
export type Facet = {
  index: { byteStart: number; byteEnd: number };
  features: (
    | { $type: 'app.bsky.richtext.facet#link'; uri: string }
    | { $type: 'app.bsky.richtext.facet#mention'; did: string }
    | { $type: 'app.bsky.richtext.facet#tag'; tag: string }
  )[];
};

export interface DetectedFacets {
  facets: Facet[];
  /** Handles mentioned, to resolve. */
  mentions: { handle: string; facet: Facet }[];
}

const byteOffset = (text: string, charIndex: number) => Buffer.byteLength(text.slice(0, charIndex), 'utf8');

function range(text: string, start: number, end: number) {
  return { byteStart: byteOffset(text, start), byteEnd: byteOffset(text, end) };
}

export function detectFacets(text: string): DetectedFacets {
  const facets: Facet[] = [];
  const mentions: DetectedFacets['mentions'] = [];

  for (const m of text.matchAll(/(^|[\s(])(https?:\/\/[^\s<>"]+)/gi)) {
    let uri = m[2]!;
    // Trailing punctuation ends the sentence, not the link; a closing parenthesis only if unbalanced.
    while (
      /[.,;:!?'"]$/.test(uri) ||
      (uri.endsWith(')') && (uri.match(/\(/g)?.length ?? 0) < (uri.match(/\)/g)?.length ?? 0))
    ) {
      uri = uri.slice(0, -1);
    }
    const start = m.index + m[1]!.length;
    facets.push({
      index: range(text, start, start + uri.length),
      features: [{ $type: 'app.bsky.richtext.facet#link', uri }],
    });
  }

  for (const m of text.matchAll(/(^|[\s(])@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?![\w.-]*[\w-])/g)) {
    const handle = m[2]!.replace(/\.+$/, '');
    const start = m.index + m[1]!.length;
    const facet: Facet = {
      index: range(text, start, start + handle.length + 1),
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: handle }],
    };
    mentions.push({ handle: handle.toLowerCase(), facet });
  }

  for (const m of text.matchAll(/(^|\s)[#＃]([^\s#＃]+)/gu)) {
    const tag = m[2]!.replace(/[\p{P}]+$/u, '');
    // A tag needs a non-digit character (so "#1" is not a tag) and at most 64 characters.
    if (!tag || /^\d+$/.test(tag) || [...tag].length > 64) continue;
    const start = m.index + m[1]!.length;
    facets.push({
      index: range(text, start, start + 1 + tag.length),
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
    });
  }
  return { facets, mentions };
}
