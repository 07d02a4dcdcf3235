import type { MouseEvent, ReactNode } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useAction } from '../hooks.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { Workspace } from '../types.js';
import { MainNav } from './MainNav.js';
import { NotificationBell } from './NotificationBell.js';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.js';

function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  const main = document.getElementById('main');
  if (!main) return;
  event.preventDefault();
  main.focus();
}

/** Header, workspace switcher and main navigation around every logged-in page. */
export function AppShell({ workspace, children }: { workspace: Workspace | undefined; children: ReactNode }) {
  const { me, logout } = useSession();
  const { busy, error, run } = useAction();

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to main content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Chorus
        </Link>
        <WorkspaceSwitcher workspaces={me.workspaces} current={workspace} />
        <div className="account">
          <NotificationBell workspaces={me.workspaces} {...(workspace ? { current: workspace } : {})} />
          <span className="account-name">{me.user.name}</span>
          <button
            type="button"
            className="button-secondary"
            onClick={() => void run(logout)}
            aria-disabled={busy || undefined}
          >
            Log out
          </button>
        </div>
      </header>
      {workspace ? <MainNav workspace={workspace} /> : null}
      <main id="main" tabIndex={-1} className="content">
        <ErrorAlert error={error} />
        {children}
      </main>
    </div>
  );
}
