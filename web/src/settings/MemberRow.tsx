import { useId } from 'react';
import { assignableRoles, roleLabel } from '../roles.js';
import type { Member, RoleId, RoleInfo } from '../types.js';

interface MemberRowProps {
  member: Member;
  isSelf: boolean;
  canManage: boolean;
  roles: RoleInfo[] | undefined;
  busy: boolean;
  onRoleChange: (role: RoleId) => void;
  onRemove: () => void;
}

export function MemberRow({
  member,
  isSelf,
  canManage,
  roles,
  busy,
  onRoleChange,
  onRemove,
}: MemberRowProps) {
  const selectId = useId();
  // Organization owners and admins reach every workspace through their organization role.
  const editable = canManage && member.source === 'workspace';
  const options = assignableRoles(roles);
  if (!options.some((option) => option.id === member.role)) {
    options.unshift({ id: member.role, label: roleLabel(member.role, roles) });
  }

  return (
    <tr>
      <td data-label="Name">
        {member.name}
        {isSelf ? <span className="muted"> (you)</span> : null}
      </td>
      <td data-label="Email" className="break">
        {member.email}
      </td>
      <td data-label="Role">
        {editable ? (
          <>
            <label htmlFor={selectId} className="visually-hidden">
              Role for {member.name}
            </label>
            <select
              id={selectId}
              value={member.role}
              onChange={(event) => onRoleChange(event.target.value as RoleId)}
            >
              {options.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </>
        ) : (
          roleLabel(member.role, roles)
        )}
      </td>
      <td data-label="Source">{member.source === 'organization' ? 'Organization' : 'Workspace'}</td>
      {canManage ? (
        <td data-label="Actions">
          {editable ? (
            <button
              type="button"
              className="button-danger"
              aria-label={`Remove ${member.name}`}
              aria-disabled={busy || undefined}
              onClick={busy ? undefined : onRemove}
            >
              Remove
            </button>
          ) : (
            <span className="muted">Managed in the organization</span>
          )}
        </td>
      ) : null}
    </tr>
  );
}
