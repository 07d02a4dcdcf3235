import { useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import { roleLabel, useRoles } from '../roles.js';
import { useSession } from '../session.js';
import type { Member, RoleId, Workspace } from '../types.js';
import { InviteForm } from './InviteForm.js';
import { MemberRow } from './MemberRow.js';
import { PendingInvitations } from './PendingInvitations.js';

export function MembersPage({ workspace }: { workspace: Workspace }) {
  const { me, refresh } = useSession();
  const canManage = can(workspace, 'members.manage');
  const roles = useRoles();
  const members = useAsync(
    (signal) => api.members(workspace.id, signal).then((r) => r.members),
    [workspace.id],
  );
  const invitations = useAsync(
    (signal) =>
      canManage ? api.invitations(workspace.id, signal).then((r) => r.invitations) : Promise.resolve([]),
    [workspace.id, canManage],
  );
  const [status, setStatus] = useState('');
  const [pendingUserId, setPendingUserId] = useState<string | null>(null);
  const action = useAction({ exclusive: false });
  const roleList = roles.data?.roles;

  async function changeRole(member: Member, role: RoleId): Promise<void> {
    const previous = member.role;
    setStatus('');
    setPendingUserId(member.userId);
    members.setData((list) => list?.map((m) => (m.userId === member.userId ? { ...m, role } : m)));
    const ok = await action.run(async () => {
      const { member: updated } = await api.updateMember(workspace.id, member.userId, role);
      members.setData((list) => list?.map((m) => (m.userId === updated.userId ? updated : m)));
      setStatus(`${member.name} is now ${roleLabel(updated.role, roleList)}.`);
      if (member.userId === me.user.id) await refresh();
    });
    if (!ok) {
      members.setData((list) =>
        list?.map((m) => (m.userId === member.userId ? { ...m, role: previous } : m)),
      );
    }
    setPendingUserId(null);
  }

  async function remove(member: Member): Promise<void> {
    if (!window.confirm(`Remove ${member.name} from ${workspace.name}?`)) return;
    setStatus('');
    setPendingUserId(member.userId);
    await action.run(async () => {
      await api.removeMember(workspace.id, member.userId);
      members.setData((list) => list?.filter((m) => m.userId !== member.userId));
      setStatus(`${member.name} was removed from ${workspace.name}.`);
      if (member.userId === me.user.id) await refresh();
    });
    setPendingUserId(null);
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Members</PageHeading>
      <p className="lead">People with access to {workspace.name}.</p>
      <ErrorAlert error={members.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {members.loading && !members.data ? <p className="muted">Loading members…</p> : null}
      {members.data ? (
        <div className="table-wrap">
          <table className="responsive-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Source</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  isSelf={member.userId === me.user.id}
                  canManage={canManage}
                  roles={roleList}
                  busy={pendingUserId === member.userId}
                  onRoleChange={(role) => void changeRole(member, role)}
                  onRemove={() => void remove(member)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {members.data?.length === 0 ? <p className="muted">No members yet.</p> : null}

      {canManage ? (
        <>
          <section className="panel" aria-labelledby="invite-heading">
            <h3 id="invite-heading">Invite someone</h3>
            <ErrorAlert error={roles.error} />
            <InviteForm workspace={workspace} roles={roleList} onSent={invitations.reload} />
          </section>
          <section className="panel" aria-labelledby="pending-heading">
            <h3 id="pending-heading">Pending invitations</h3>
            <PendingInvitations workspace={workspace} resource={invitations} roles={roleList} />
          </section>
        </>
      ) : null}
    </div>
  );
}
