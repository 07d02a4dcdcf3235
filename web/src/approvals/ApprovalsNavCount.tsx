import { useEffect } from 'react';
import { useAsync } from '../hooks.js';
import { useLocation } from '../router.js';
import type { Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import './approvals.css';

const APPROVALS_CHANGED = 'chorus:approvals-changed';

/** Tells the count in the menu that a decision or a submission may have changed it. */
export function approvalsChanged(): void {
  window.dispatchEvent(new Event(APPROVALS_CHANGED));
}

/** How many posts wait for the viewer's decision, next to "Approvals" in the main menu (nothing when none). */
export function ApprovalsNavCount({ workspace }: { workspace: Workspace }) {
  const { pathname } = useLocation();
  // Counted again on every page change: one small request, and the count stays honest after deciding.
  const waiting = useAsync(
    (signal) => approvalsApi.waitingCount(workspace.id, signal),
    [workspace.id, pathname],
  );
  const { reload } = waiting;
  useEffect(() => {
    window.addEventListener(APPROVALS_CHANGED, reload);
    return () => window.removeEventListener(APPROVALS_CHANGED, reload);
  }, [reload]);
  const mine = waiting.data?.mine ?? 0;
  if (mine === 0) return null;
  const count = String(mine);
  return (
    <span className="nav-count">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">, {count} waiting for you</span>
    </span>
  );
}
