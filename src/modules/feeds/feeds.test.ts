import { describe, expect, it } from 'vitest';
import { networkDefinition } from '../../networks/registry.js';
import { decodeBody, NotAFeedError, parseFeed } from './parse.js';
import { render, renderFor, templateProblem } from './template.js';
import { htmlToText } from './text.js';

const BASE = 'https://news.example/feed.xml';
const bluesky = networkDefinition('bluesky').limits.text;
const mastodon = networkDefinition('mastodon').limits.text;
const discord = networkDefinition('discord').limits.text;

describe('feed parsing', () => {
  it('keeps entity expansion bounded: nested entities are not expanded, large expansions are refused', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><guid>1</guid><title>&lol;</title></item></channel></rss>`;
    const parsed = parseFeed(laughs, BASE);
    // lol3 refers to other entities: left as it is, so nothing multiplies.
    expect(parsed.title).toBe('&lol3;');
    expect(parsed.entries[0]!.title).toBe('lol');

    const wide = `<!DOCTYPE r [<!ENTITY a "${'x'.repeat(900)}">]><rss><channel><title>${'&a;'.repeat(2_000)}</title></channel></rss>`;
    expect(() => parseFeed(wide, BASE)).toThrow(/exceeds Chorus’s limits/);

    const external = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>`;
    expect(() => parseFeed(external, BASE)).toThrow(/external entities, which Chorus never loads/);
  });

  it('decodes by the declared encoding and strips HTML from summaries', () => {
    const latin1 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Caf'),
      Buffer.from([0xe9]),
      Buffer.from('</title></channel></rss>'),
    ]);
    expect(parseFeed(decodeBody(latin1, 'text/xml'), BASE).title).toBe('Café');
    expect(decodeBody(Buffer.from('<rss/>'), 'text/xml; charset=utf-8')).toBe('<rss/>');
    expect(
      htmlToText(
        '<div><p>One&nbsp;<b>two</b></p><style>p{}</style><!-- hidden --><p>three &amp; &#8220;four&#8221; &unknown;</p><br/>five</div>',
      ),
    ).toBe('One two three & “four” &unknown; five');
  });

  it('identifies items by guid, else link (resolved against the feed), else a hash of their text', () => {
    const doc = `<rss version="2.0"><channel>
<item><guid>g</guid><title>A</title><link>/a</link></item>
<item><title>B</title><link>/b</link></item>
<item><title>C</title><description>only text</description></item>
<item><link>javascript:alert(1)</link></item>
</channel></rss>`;
    const entries = parseFeed(doc, BASE).entries;
    expect(entries.map((e) => e.key)).toEqual([
      'g',
      'https://news.example/b',
      expect.stringMatching(/^text:[0-9a-f]{64}$/),
    ]);
    expect(entries[0]!.link).toBe('https://news.example/a');
  });

  it('recognises HTML pages without a doctype, and XHTML, as web pages', () => {
    for (const page of [
      '<head><title>Blog</title></head><body><p>Hi</p></body>',
      '<!-- generated --><html lang="en"><body>Hi</body></html>',
      '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head/><body/></html>',
    ]) {
      expect(() => parseFeed(page, BASE), page).toThrow(/web page \(HTML\), not a feed/);
    }
    // A feed whose title mentions <body> (escaped) is still a feed.
    expect(parseFeed('<rss><channel><title>&lt;body&gt; tips</title></channel></rss>', BASE).format).toBe(
      'rss2',
    );
  });

  it('throws NotAFeedError for XML of another kind', () => {
    expect(() => parseFeed('<?xml version="1.0"?><note><to>x</to></note>', BASE)).toThrow(NotAFeedError);
    expect(() => parseFeed('<rss version="2.0"></rss>', BASE)).toThrow(/no <channel>/);
  });
});

describe('templates', () => {
  const entry = {
    title: 'Beans & greens',
    link: 'https://kitchen.example/r/beans-and-greens-with-a-long-address-that-mastodon-counts-as-23',
    summary: 'A long summary. '.repeat(60).trim(),
    author: '',
  };

  it('names unknown placeholders and drops lines left empty', () => {
    expect(templateProblem('{title} {link} {image}')).toContain('Unknown placeholder {image}');
    expect(templateProblem('  ')).toContain('empty');
    expect(templateProblem('{title}\n{summary}\n{link}')).toBeUndefined();
    expect(
      render('{title}\n\n{author}\n\n{link}', { title: 'T', link: 'L', summary: '', author: '', feed: '' }),
    ).toBe('T\n\nL');
  });

  it('shortens the summary first, to the tightest of the limits, and never cuts the link', () => {
    const r = renderFor('{title}\n{summary}\n{link}', entry, 'Kitchen', [discord, bluesky]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.trimmed).toBe(true);
    expect(bluesky.count(r.text)).toBeLessThanOrEqual(300);
    expect(bluesky.count(r.text)).toBeGreaterThan(280);
    expect(r.text.startsWith('Beans & greens\nA long summary.')).toBe(true);
    expect(r.text.endsWith(`…\n${entry.link}`)).toBe(true);
  });

  it('counts each network its own way: Mastodon counts a link as 23 characters', () => {
    const r = renderFor('{summary} {link}', entry, '', [mastodon]);
    if (!r.ok) throw new Error(r.problem);
    expect(mastodon.count(r.text)).toBeLessThanOrEqual(500);
    // The raw length exceeds 500: the long link only counts as 23.
    expect([...r.text].length).toBeGreaterThan(500);
    expect(r.text.endsWith(entry.link)).toBe(true);
  });

  it('shortens the title when the summary is gone, and falls back to the link alone', () => {
    const long = { ...entry, title: 'Word '.repeat(100).trim(), summary: '' };
    const r = renderFor('{title} {link}', long, '', [bluesky]);
    if (!r.ok) throw new Error(r.problem);
    expect(r.text).toMatch(/^Word( Word)*… https:/);
    expect(bluesky.count(r.text)).toBeLessThanOrEqual(300);

    const wordy = renderFor(`${'Read this! '.repeat(40)}{link}`, entry, '', [bluesky]);
    expect(wordy).toEqual({ ok: true, text: entry.link, trimmed: true });

    const noLink = renderFor('x'.repeat(400), { ...entry, link: '' }, '', [bluesky]);
    expect(noLink).toMatchObject({ ok: false, problem: expect.stringContaining('Shorten the template') });
  });
});
