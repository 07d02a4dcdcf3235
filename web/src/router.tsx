import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

/** A tiny router over `window.history`: `navigate` pushes or replaces, `useLocation` re-renders on change. */

const CHANGE_EVENT = 'chorus:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

function snapshot(): string {
  const { pathname, search, hash } = window.location;
  return pathname + search + hash;
}

export interface Location {
  pathname: string;
  search: string;
  hash: string;
  /** pathname + search, suitable for coming back after logging in. */
  href: string;
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(current, window.location.origin);
    return { pathname: url.pathname, search: url.search, hash: url.hash, href: url.pathname + url.search };
  }, [current]);
}

let focusAfterNavigation = false;

export interface NavigateOptions {
  replace?: boolean;
  /** Move keyboard focus to the new page's heading (used for link clicks). */
  focusHeading?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === snapshot()) return;
  if (options.replace) {
    window.history.replaceState(null, '', to);
  } else {
    window.history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  if (options.focusHeading) focusAfterNavigation = true;
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** Focus the heading of whatever page is shown next (after logging in, for example). */
export function focusHeadingAfterNavigation(): void {
  focusAfterNavigation = true;
}

/**
 * After a link click, focus the page heading (marked `data-page-heading`, the most specific one wins) so
 * keyboard and screen reader users start at the new content.
 */
export function useFocusPageHeading(path: string): void {
  useLayoutEffect(() => {
    if (!focusAfterNavigation) return;
    const headings = document.querySelectorAll<HTMLElement>('[data-page-heading]');
    const heading = headings[headings.length - 1];
    if (heading) {
      focusAfterNavigation = false;
      heading.focus();
    }
  }, [path]);
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
}

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>): void {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to, { focusHeading: true });
  }
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

/** Replaces the current entry with `to` once rendered. */
export function Redirect({ to }: { to: string }) {
  useLayoutEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}

/** The path split into non-empty, decoded segments: `/w/abc/settings/` → `['w', 'abc', 'settings']`. */
export function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

/** A same-origin path to return to after logging in, or null if `value` is not one. */
export function safeReturnPath(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/setup')) return null;
  return value;
}

export function loginPath(returnTo: string): string {
  const next = safeReturnPath(returnTo);
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
