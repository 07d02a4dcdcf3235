import { invalid } from '../../core/errors.js';
import { EgressError, safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import { decodeBody, NotAFeedError, parseFeed, type ParsedFeed } from './parse.js';

// Reading a feed over the network: the address checked, a conditional GET, the answer parsed or explained.

/** A feed larger than this is refused. */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;
export const FEEDS_USER_AGENT = 'Chorus-Feeds';
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

export type Fetched =
  | { status: 'not_modified' }
  | { status: 'ok'; feed: ParsedFeed; etag: string | null; lastModified: string | null; url: string };

/** A fetch or parse problem, in words a person can act on. */
export class FeedProblem extends Error {}

/** A GET, conditional when validators are given. Throws `FeedProblem` for anything but a feed or 304. */
export async function fetchFeed(
  url: string,
  validators: { etag?: string | null; lastModified?: string | null },
  egress: EgressPolicy,
): Promise<Fetched> {
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': FEEDS_USER_AGENT };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  let res;
  try {
    res = await safeFetch(url, { headers, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_FEED_BYTES }, egress);
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    throw new FeedProblem(
      error.reason === 'too_large'
        ? `The feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB, more than Chorus reads. Use a feed with fewer items.`
        : error.reason === 'timeout'
          ? `The feed did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds.`
          : `The feed could not be reached: ${error.message}`,
    );
  }
  if (res.status === 304 && (validators.etag || validators.lastModified)) return { status: 'not_modified' };
  if (res.status < 200 || res.status > 299) throw new FeedProblem(describeStatus(res.status));
  let feed: ParsedFeed;
  try {
    feed = parseFeed(decodeBody(res.body, res.headers['content-type']), res.url);
  } catch (error) {
    if (error instanceof NotAFeedError) throw new FeedProblem(error.message);
    throw error;
  }
  return {
    status: 'ok',
    feed,
    etag: res.headers.etag?.slice(0, 500) ?? null,
    lastModified: res.headers['last-modified']?.slice(0, 200) ?? null,
    url: res.url,
  };
}

function describeStatus(status: number): string {
  if (status === 404 || status === 410)
    return `The feed answered ${status} (${status === 404 ? 'not found' : 'gone'}): check the address, or delete the feed if it no longer exists.`;
  if (status === 401 || status === 403)
    return `The feed answered ${status}: it needs a sign-in, and Chorus reads only public feeds.`;
  if (status === 429 || status >= 500)
    return `The feed’s server answered ${status}: it is unavailable for now. Chorus tries again later.`;
  return `The feed answered with status ${status} instead of a feed.`;
}

/** The address to poll: http or https, with no user name or password, without a #fragment. */
export function checkFeedUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw invalid(
      `"${input.slice(0, 200)}" is not a valid URL. Give the feed's full address, such as https://example.com/feed.xml.`,
      {
        field: 'url',
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`The URL must start with https:// or http:// (it starts with ${url.protocol}//).`, {
      field: 'url',
    });
  if (url.username || url.password)
    throw invalid('The URL must not contain a user name or password: Chorus reads only public feeds.', {
      field: 'url',
    });
  url.hash = '';
  return url.toString();
}
