import { useState } from 'react';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { canCreateWorkspaces, workspaceHome, workspacePath } from '../permissions.js';
import { roleLabel } from '../roles.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';
import type { Workspace } from '../types.js';
import { CreateWorkspaceForm } from './CreateWorkspaceForm.js';

export function WorkspacesPage({ workspace }: { workspace: Workspace }) {
  const { me, refresh } = useSession();
  const [status, setStatus] = useState('');
  const allowed = canCreateWorkspaces(me, workspace.organizationId);
  const organizationName = (id: string): string => me.organizations.find((org) => org.id === id)?.name ?? '';

  async function created(newWorkspace: Workspace): Promise<void> {
    await refresh();
    setStatus(`Workspace ${newWorkspace.name} was created. You are now in it.`);
    navigate(workspacePath(newWorkspace, 'settings/workspaces'));
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Workspaces</PageHeading>
      <StatusMessage>{status}</StatusMessage>
      <ul className="rows">
        {me.workspaces.map((item) => (
          <li key={item.id} className="row">
            <div className="row-main">
              <Link to={workspaceHome(item)} aria-current={item.id === workspace.id ? 'true' : undefined}>
                {item.name}
              </Link>
              <span className="muted">
                {[organizationName(item.organizationId), item.timezone, `your role: ${roleLabel(item.role)}`]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </div>
            {item.id === workspace.id ? <span className="badge">Current</span> : null}
          </li>
        ))}
      </ul>
      {allowed ? (
        <section className="panel" aria-labelledby="create-workspace-heading">
          <h3 id="create-workspace-heading">Create a workspace</h3>
          <CreateWorkspaceForm organizationId={workspace.organizationId} onCreated={created} />
        </section>
      ) : (
        <p className="muted">Only owners and admins of the organization can create workspaces.</p>
      )}
    </div>
  );
}
