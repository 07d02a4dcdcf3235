import { ApprovalsNavCount } from '../approvals/ApprovalsNavCount.js';
import { SECTIONS, can, workspacePath } from '../permissions.js';
import { Link, pathSegments, useLocation } from '../router.js';
import type { Workspace } from '../types.js';

export function MainNav({ workspace }: { workspace: Workspace }) {
  const { pathname } = useLocation();
  const [, , current] = pathSegments(pathname);
  // A post's page is part of the calendar.
  const activeSection = current === 'posts' ? 'calendar' : current;
  const visible = SECTIONS.filter((section) => can(workspace, section.permission));

  return (
    <nav aria-label="Main" className="main-nav">
      <ul>
        {visible.map((section) => (
          <li key={section.id}>
            <Link
              to={workspacePath(workspace, section.id)}
              aria-current={
                section.id === current ? 'page' : section.id === activeSection ? 'true' : undefined
              }
            >
              {section.label}
              {section.id === 'approvals' ? <ApprovalsNavCount workspace={workspace} /> : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
