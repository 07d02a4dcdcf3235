import { useId } from 'react';
import type { ChangeEvent } from 'react';
import { can, findSection, findSettingsPage, workspaceHome, workspacePath } from '../permissions.js';
import { navigate, pathSegments, useLocation } from '../router.js';
import type { Workspace } from '../types.js';

/** Where to go in `target` so the user stays on the same kind of page when they are allowed to. */
function equivalentPath(pathname: string, target: Workspace): string {
  const [, , sectionId, subPage] = pathSegments(pathname);
  const section = findSection(sectionId);
  if (!section || !can(target, section.permission)) return workspaceHome(target);
  if (section.id === 'settings') {
    const page = findSettingsPage(subPage);
    return page && can(target, page.permission)
      ? workspacePath(target, `settings/${page.id}`)
      : workspacePath(target, 'settings');
  }
  return workspacePath(target, section.id);
}

interface WorkspaceSwitcherProps {
  workspaces: Workspace[];
  current: Workspace | undefined;
}

export function WorkspaceSwitcher({ workspaces, current }: WorkspaceSwitcherProps) {
  const id = useId();
  const { pathname } = useLocation();

  function change(event: ChangeEvent<HTMLSelectElement>): void {
    const target = workspaces.find((workspace) => workspace.id === event.target.value);
    if (target) navigate(equivalentPath(pathname, target));
  }

  if (workspaces.length === 0) return null;
  return (
    <div className="switcher">
      <label htmlFor={id}>Workspace</label>
      <select id={id} value={current?.id ?? ''} onChange={change}>
        {current ? null : (
          <option value="" disabled>
            Choose a workspace
          </option>
        )}
        {workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.name}
          </option>
        ))}
      </select>
    </div>
  );
}
