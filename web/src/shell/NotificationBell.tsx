import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { api, isAbortError, toApiError, type ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime, formatRelative } from '../format.js';
import { useInterval } from '../hooks.js';
import { Link, navigate } from '../router.js';
import type { AppNotification, Workspace } from '../types.js';

/** How often the unread count is asked for while the page is visible (and again when the window gets focus). */
const POLL_MS = 30_000;
const PAGE_SIZE = 20;

function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
      />
    </svg>
  );
}

function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
}

/**
 * The bell in the header: the unread count (polled), and a panel listing the person's notifications,
 * newest first. Opening one marks it read and goes to its page.
 */
export function NotificationBell({ workspaces, current }: { workspaces: Workspace[]; current?: Workspace }) {
  const panelId = useId();
  const headingId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<AppNotification[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const refreshCount = useCallback(async (signal?: AbortSignal) => {
    try {
      setUnread((await api.unreadNotificationCount(signal)).total);
    } catch {
      // A missed poll is not worth interrupting anyone; the next one (or opening the panel) tries again.
    }
  }, []);

  const loadFirstPage = useCallback(async (signal?: AbortSignal) => {
    try {
      const page = await api.notifications({ limit: PAGE_SIZE }, signal);
      setItems(page.notifications);
      setCursor(page.nextCursor);
      setError(null);
    } catch (reason) {
      if (!isAbortError(reason)) setError(toApiError(reason));
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void refreshCount(controller.signal);
    return () => controller.abort();
  }, [refreshCount]);
  useInterval(() => void refreshCount(), POLL_MS);
  useEffect(() => {
    const onFocus = () => {
      void refreshCount();
      if (open) void loadFirstPage();
    };
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [open, refreshCount, loadFirstPage]);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    void loadFirstPage(controller.signal);
    void refreshCount(controller.signal);
    // A click or tap outside the panel closes it.
    const onPointer = (event: PointerEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => {
      controller.abort();
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, loadFirstPage, refreshCount]);

  function close(): void {
    setOpen(false);
    buttonRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      close();
    }
  }

  async function openNotification(event: MouseEvent<HTMLAnchorElement>, n: AppNotification): Promise<void> {
    // A new tab or window (modifier keys, middle click) keeps the browser's own behaviour.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!n.readAt) {
      try {
        await api.markNotificationsRead({ ids: [n.id] });
        setUnread((count) => Math.max(0, count - 1));
      } catch {
        // Going to the page matters more than the marker; the next poll shows the true count.
      }
    }
    setOpen(false);
    navigate(n.link, { focusHeading: true });
  }

  async function markAllRead(): Promise<void> {
    setBusy(true);
    try {
      await api.markNotificationsRead({ all: true });
      setItems((list) => list?.map((n) => (n.readAt ? n : { ...n, readAt: new Date().toISOString() })));
      setUnread(0);
      setError(null);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  async function loadMore(): Promise<void> {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await api.notifications({ limit: PAGE_SIZE, before: cursor });
      setItems((list) => [...(list ?? []), ...page.notifications]);
      setCursor(page.nextCursor);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  const workspaceName = (id: string) =>
    workspaces.length > 1 && id !== current?.id ? workspaces.find((w) => w.id === id)?.name : undefined;
  const hasUnread = unread > 0 || Boolean(items?.some((n) => !n.readAt));

  return (
    <div className="bell-wrap" ref={wrapRef} onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        className="button-secondary bell"
        aria-label={bellLabel(unread)}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <BellIcon />
        {unread > 0 ? (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      <section id={panelId} className="notifications-panel" aria-labelledby={headingId} hidden={!open}>
        <div className="notifications-head">
          <h2 id={headingId}>Notifications</h2>
          <button
            type="button"
            className="button-secondary"
            onClick={() => void markAllRead()}
            disabled={!hasUnread}
            aria-disabled={busy || undefined}
          >
            Mark all as read
          </button>
        </div>
        <ErrorAlert error={error} />
        {items === undefined ? (
          error ? null : (
            <p className="muted">Loading…</p>
          )
        ) : items.length === 0 ? (
          <p className="muted">Nothing here yet. Chorus tells you here when something needs you.</p>
        ) : (
          <ul className="notifications-list">
            {items.map((n) => (
              <li key={n.id}>
                <a
                  href={n.link}
                  className={n.readAt ? 'notification' : 'notification notification-unread'}
                  onClick={(event) => void openNotification(event, n)}
                >
                  <span className="notification-title">
                    {n.readAt ? null : (
                      <>
                        <span className="unread-dot" aria-hidden="true" />
                        <span className="visually-hidden">Unread: </span>
                      </>
                    )}
                    {n.title}
                  </span>
                  <span className="notification-body">{n.body}</span>
                  <span className="notification-meta">
                    <time dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                      {formatRelative(n.createdAt)}
                    </time>
                    {workspaceName(n.workspaceId) ? ` · ${workspaceName(n.workspaceId)}` : null}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
        {cursor ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() => void loadMore()}
            aria-disabled={busy || undefined}
          >
            Show older
          </button>
        ) : null}
        <p className="notifications-foot">
          <Link to="/settings/notifications" onClick={() => setOpen(false)}>
            Notification settings
          </Link>
        </p>
      </section>
    </div>
  );
}
