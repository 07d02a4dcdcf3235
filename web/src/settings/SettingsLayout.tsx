import { useDocumentTitle } from '../hooks.js';
import { SETTINGS_PAGES, can, findSettingsPage, workspacePath } from '../permissions.js';
import type { SettingsPageId } from '../permissions.js';
import { Link } from '../router.js';
import type { Workspace } from '../types.js';
import { WorkflowsPage } from '../approvals/WorkflowsPage.js';
import { AuditPage } from './AuditPage.js';
import { ChannelsPage } from './ChannelsPage.js';
import { MembersPage } from './MembersPage.js';
import { PublishingPage } from './PublishingPage.js';
import { TokensPage } from './TokensPage.js';
import { WebhooksPage } from './WebhooksPage.js';
import { WorkspacesPage } from './WorkspacesPage.js';

export function SettingsLayout({ workspace, page }: { workspace: Workspace; page: SettingsPageId }) {
  useDocumentTitle(findSettingsPage(page)?.label ?? '', 'Settings', workspace.name);
  const visible = SETTINGS_PAGES.filter((candidate) => can(workspace, candidate.permission));

  return (
    <div className="settings">
      <h1 className="settings-title">Settings</h1>
      <nav aria-label="Settings" className="sub-nav">
        <ul>
          {visible.map((candidate) => (
            <li key={candidate.id}>
              <Link
                to={workspacePath(workspace, `settings/${candidate.id}`)}
                aria-current={candidate.id === page ? 'page' : undefined}
              >
                {candidate.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        {page === 'members' ? <MembersPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'channels' ? <ChannelsPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'webhooks' ? <WebhooksPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'publishing' ? <PublishingPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'approvals' ? <WorkflowsPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'workspaces' ? <WorkspacesPage workspace={workspace} /> : null}
        {page === 'tokens' ? <TokensPage key={workspace.id} workspace={workspace} /> : null}
        {page === 'audit' ? <AuditPage key={workspace.id} workspace={workspace} /> : null}
      </div>
    </div>
  );
}
