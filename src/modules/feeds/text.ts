/**
 * Text out of feeds: feeds carry HTML (escaped, in CDATA, or inline XHTML) where Chorus needs plain text
 * for a post. Entities are decoded here, never by a general-purpose HTML parser: nothing in a feed is run,
 * loaded or rendered.
 */

/** The named entities feeds use in practice; anything else numeric is decoded by number. */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  times: '×',
  divide: '÷',
  plusmn: '±',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  iexcl: '¡',
  iquest: '¿',
  shy: '',
  zwj: '\u200d',
  zwnj: '\u200c',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  Eacute: 'É',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  ntilde: 'ñ',
  ccedil: 'ç',
  oslash: 'ø',
  aring: 'å',
  aelig: 'æ',
};

function fromCodePoint(n: number): string | undefined {
  if (!Number.isInteger(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
  return String.fromCodePoint(n);
}

/** Decodes character references (&amp; &#8217; &#x2019; &hellip;); an unknown one is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const n = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return fromCodePoint(n) ?? whole;
    }
    return NAMED[ref] ?? whole;
  });
}

/**
 * The text of an element kept raw by the XML parser (an HTML-bearing one): CDATA sections as they are,
 * everything else with its XML escapes undone. What comes out is markup, for `htmlToText`.
 */
export function unwrapXml(raw: string): string {
  let out = '';
  let rest = raw;
  for (;;) {
    const start = rest.indexOf('<![CDATA[');
    if (start < 0) return out + decodeXmlEscapes(rest);
    const end = rest.indexOf(']]>', start + 9);
    out += decodeXmlEscapes(rest.slice(0, start));
    if (end < 0) return out + rest.slice(start + 9);
    out += rest.slice(start + 9, end);
    rest = rest.slice(end + 3);
  }
}

/** XML's own five escapes and numeric references (what an XML parser would decode). */
function decodeXmlEscapes(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const n = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return fromCodePoint(n) ?? whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const BLOCK =
  /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|table|section|article|figure|figcaption)\b[^>]*>/gi;

/**
 * Plain text of an HTML fragment: scripts, styles and comments dropped with their content, tags removed
 * (block elements become spaces), entities decoded, white space collapsed to single spaces.
 */
export function htmlToText(html: string): string {
  return collapse(
    decodeEntities(
      html
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<(script|style|noscript|template|iframe|svg)\b[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(BLOCK, ' ')
        .replace(/<\/?[a-z][^>]*>/gi, '')
        .replace(/<[!?][^>]*>/g, ''),
    ),
  );
}

/** One line: runs of white space (non-breaking spaces included) become one space; ends trimmed. */
export function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}
