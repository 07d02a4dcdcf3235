import { isIP } from 'node:net';
import { isPublicAddress } from './address-policy.js';
import type { EgressPolicy } from './safe-fetch.js';

/** Whether a URL's host names this machine: `localhost`, `*.localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:(127\.|7f)/.test(host);
  return false;
}

/**
 * Checks a URL Chorus will call later on someone's behalf (a webhook endpoint) before it is stored, so a
 * mistake is reported while the person is still on the form: http or https only, no user name or password,
 * HTTPS unless the host is this machine, and no private or reserved address given as a number (or as
 * `localhost`) unless the egress policy allows it. Host names are resolved and checked again on every
 * request by `safeFetch`, which is what actually keeps private networks out of reach.
 *
 * Returns the URL as it will be called, or a message saying what to change.
 */
export function checkDestinationUrl(
  input: string,
  policy: EgressPolicy,
): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return {
      ok: false,
      problem: `"${input.slice(0, 200)}" is not a valid URL. Give the full address, such as https://example.com/hooks/chorus.`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      problem: `The URL must start with https:// (it starts with ${url.protocol}//).`,
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      problem:
        'The URL must not contain a user name or password. The receiver checks the X-Chorus-Signature header instead.',
    };
  }
  if (url.hash) return { ok: false, problem: 'Remove the #fragment from the URL: it is never sent.' };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    return {
      ok: false,
      problem: `Use https:// for ${url.host}: plain http is only accepted for this machine (localhost).`,
    };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const literal = isIP(host) !== 0;
  const allowed =
    policy.allowPrivate ||
    (policy.allowList ?? []).includes(`${url.hostname}:${port}`) ||
    (policy.allowList ?? []).includes(`${host}:${port}`) ||
    (literal ? isPublicAddress(host) : !loopback);
  if (!allowed) {
    return {
      ok: false,
      problem: `${url.host} points to a private or reserved address, which Chorus does not contact. Use a public address, or ask the administrator to allow private addresses (EGRESS_ALLOW_PRIVATE).`,
    };
  }
  return { ok: true, url: url.toString() };
}
