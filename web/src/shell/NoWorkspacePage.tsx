import { PageHeading } from '../components/PageHeading.js';
import { useDocumentTitle } from '../hooks.js';
import { workspaceHome } from '../permissions.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { CreateWorkspaceForm } from '../settings/CreateWorkspaceForm.js';
import type { Workspace } from '../types.js';

/** Shown at `/` to someone who belongs to no workspace. */
export function NoWorkspacePage() {
  useDocumentTitle('No workspace');
  const { me, refresh } = useSession();
  const organization = me.organizations.find((org) => org.role === 'owner' || org.role === 'admin');

  async function created(workspace: Workspace): Promise<void> {
    await refresh();
    navigate(workspaceHome(workspace));
  }

  return (
    <div className="stack">
      <PageHeading>No workspace yet</PageHeading>
      {organization ? (
        <>
          <p>Create a workspace in {organization.name} to start.</p>
          <CreateWorkspaceForm organizationId={organization.id} onCreated={created} />
        </>
      ) : (
        <p>
          You are not a member of any workspace. Ask an owner or admin of your organization to invite you.
        </p>
      )}
    </div>
  );
}
