import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, isAbortError, onUnauthenticated, toApiError } from './api.js';
import { ClientApprovalPage } from './approvals/ClientApprovalPage.js';
import { AuthLayout } from './components/AuthLayout.js';
import { BootFailed, BootLoading } from './pages/BootScreen.js';
import { InvitePage } from './pages/InvitePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundView } from './pages/NotFoundPage.js';
import { SetupPage } from './pages/SetupPage.js';
import { workspaceHome } from './permissions.js';
import {
  Redirect,
  focusHeadingAfterNavigation,
  loginPath,
  navigate,
  safeReturnPath,
  useFocusPageHeading,
  useLocation,
} from './router.js';
import { SessionContext } from './session.js';
import type { Session } from './session.js';
import { AppRoutes } from './shell/AppRoutes.js';
import { AppShell } from './shell/AppShell.js';
import type { InvitationPreview, Me } from './types.js';

type Boot =
  | { phase: 'loading' }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'ready'; needsSetup: boolean; me: Me | null };

const isUnauthenticated = (error: unknown): boolean => error instanceof ApiError && error.status === 401;

/** Asks the server whether it needs first-run setup and, if not, who is logged in. */
async function loadBoot(signal: AbortSignal): Promise<Boot> {
  const { needsSetup } = await api.setupStatus(signal);
  if (needsSetup) return { phase: 'ready', needsSetup: true, me: null };
  try {
    return { phase: 'ready', needsSetup: false, me: await api.me(signal) };
  } catch (error) {
    if (isUnauthenticated(error)) return { phase: 'ready', needsSetup: false, me: null };
    throw error;
  }
}

function normalizePath(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith('/') ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

export function App() {
  const location = useLocation();
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useFocusPageHeading(location.pathname);

  useEffect(() => {
    const controller = new AbortController();
    loadBoot(controller.signal).then(
      (next) => {
        if (!controller.signal.aborted) setBoot(next);
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        setBoot({ phase: 'failed', error: toApiError(error) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  // A 401 from any call that needs a session means it ended: fall back to the login page.
  useEffect(() => {
    onUnauthenticated(() => setBoot((b) => (b.phase === 'ready' && b.me ? { ...b, me: null } : b)));
    return () => onUnauthenticated(null);
  }, []);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const me = await api.me();
      setBoot({ phase: 'ready', needsSetup: false, me });
      return me;
    } catch (error) {
      if (!isUnauthenticated(error)) throw error;
      setBoot({ phase: 'ready', needsSetup: false, me: null });
      return null;
    }
  }, []);

  const logout = useCallback(async (): Promise<void> => {
    try {
      await api.logout();
    } catch (error) {
      if (!isUnauthenticated(error)) throw error;
    }
    navigate('/login');
    setBoot({ phase: 'ready', needsSetup: false, me: null });
  }, []);

  const signedIn = useCallback(async (): Promise<void> => {
    focusHeadingAfterNavigation();
    await refresh();
  }, [refresh]);

  const invitationAccepted = useCallback(
    async (preview: InvitationPreview): Promise<void> => {
      const me = await refresh();
      const matches = me?.workspaces.filter((workspace) => workspace.name === preview.workspaceName) ?? [];
      const joined = matches.length === 1 ? matches[0] : undefined;
      navigate(joined ? workspaceHome(joined) : '/', { focusHeading: true });
    },
    [refresh],
  );

  const me = boot.phase === 'ready' ? boot.me : null;
  const session = useMemo<Session | null>(() => (me ? { me, refresh, logout } : null), [me, refresh, logout]);

  // A client's approval link works without an account, whatever the session or setup state.
  const approvalToken = /^\/approve\/([^/]+)\/?$/.exec(location.pathname)?.[1];
  if (approvalToken) return <ClientApprovalPage token={decodeURIComponent(approvalToken)} />;

  if (boot.phase === 'loading') return <BootLoading />;
  if (boot.phase === 'failed') {
    return (
      <BootFailed
        error={boot.error}
        onRetry={() => {
          setBoot({ phase: 'loading' });
          setAttempt((n) => n + 1);
        }}
      />
    );
  }

  const path = normalizePath(location.pathname);
  if (boot.needsSetup) return path === '/setup' ? <SetupPage onDone={signedIn} /> : <Redirect to="/setup" />;
  if (path === '/setup') return <Redirect to="/" />;
  if (path === '/invite') return <InvitePage onAccepted={invitationAccepted} />;
  if (path === '/login') {
    if (session)
      return <Redirect to={safeReturnPath(new URLSearchParams(location.search).get('next')) ?? '/'} />;
    return <LoginPage onLoggedIn={signedIn} />;
  }

  // /oauth/callback is where a network sends the person back after signing in; it needs the session.
  // /settings/notifications holds the person's own settings (linked from notification e-mails).
  const isAppPath =
    path === '/' ||
    path === '/w' ||
    path.startsWith('/w/') ||
    path === '/oauth/callback' ||
    path === '/settings/notifications';
  if (!isAppPath && !session) {
    return (
      <AuthLayout>
        <NotFoundView />
      </AuthLayout>
    );
  }
  if (!session) return <Redirect to={loginPath(location.href)} />;

  return (
    <SessionContext value={session}>
      {isAppPath ? (
        <AppRoutes />
      ) : (
        <AppShell workspace={undefined}>
          <NotFoundView />
        </AppShell>
      )}
    </SessionContext>
  );
}
