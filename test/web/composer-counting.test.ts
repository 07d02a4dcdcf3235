import { describe, expect, it } from 'vitest';
import { countText, segments, tokenAtCaret } from '../../web/src/posts/richText.js';
import { tokensIn } from '../../src/modules/publishing/text-tokens.js';
import { NETWORKS } from '../../src/networks/registry.js';
import { ChannelsService } from '../../src/modules/channels/channels.service.js';
import type { NetworkLimits } from '../../web/src/types.js';

/**
 * The composer counts in the browser while typing, from the rules each network declares; the server
 * counts with the adapters' own counters. Both must agree, or the counter would jump when the server
 * answers. Every network's declared rules (as GET /api/v1/networks returns them) are run against the
 * adapter's counter on texts with links, remote mentions, emoji sequences and combining marks.
 */
const SAMPLES = [
  '',
  'Spring menu is here',
  'Read https://example.com/spring-menu/2027?utm_source=chorus. Then (https://example.com/a_(b)) too',
  'Thanks @chef@kitchen.example and @ana.bsky.social!',
  'Family 👨‍👩‍👧 flags 🇵🇹🇧🇷 skin 👍🏽 café (e + ́: cafe\u0301)',
  'Links http://a.example:8080/x, and www.example.com and mail ana@example.com',
  `${'x'.repeat(480)} https://example.com/${'y'.repeat(100)}`,
];

describe('counting in the browser as the server counts', () => {
  const declared = (
    new ChannelsService({} as never) as unknown as {
      networks(): { id: string; limits: NetworkLimits }[];
    }
  ).networks();

  for (const [id, network] of Object.entries(NETWORKS)) {
    it(`${id}: the declared rules give the adapter's count`, () => {
      const limits = declared.find((n) => n.id === id)!.limits;
      for (const text of SAMPLES) {
        expect(countText(text, limits.text), JSON.stringify(text)).toBe(network.limits.text.count(text));
      }
    });
  }

  it('marks the hashtags and mentions the server suggests, and links as links', () => {
    const text = 'See #Spring at https://example.com/#menu with @ana.bsky.social, not ana@example.com &#35;x';
    const marked = segments(text).filter((s) => s.kind !== 'text');
    expect(marked).toEqual([
      { kind: 'hashtag', text: '#Spring' },
      { kind: 'link', text: 'https://example.com/#menu' },
      { kind: 'mention', text: '@ana.bsky.social' },
    ]);
    expect(marked.filter((s) => s.kind === 'hashtag').map((s) => s.text)).toEqual(tokensIn('hashtag', text));
    expect(marked.filter((s) => s.kind === 'mention').map((s) => s.text)).toEqual(tokensIn('mention', text));
  });

  it('finds the hashtag or mention being typed before the caret', () => {
    expect(tokenAtCaret('Try #Spr', 8)).toEqual({ sign: '#', start: 4, prefix: 'Spr' });
    expect(tokenAtCaret('Hi @an and more', 6)).toEqual({ sign: '@', start: 3, prefix: 'an' });
    expect(tokenAtCaret('mail ana@exa', 12)).toBeNull();
    expect(tokenAtCaret('#done ', 6)).toBeNull();
  });
});
