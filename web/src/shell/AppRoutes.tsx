import { NotFoundView } from '../pages/NotFoundPage.js';
import { OAuthCallbackPage } from '../pages/OAuthCallbackPage.js';
import { SectionForbidden, SectionPlaceholder } from '../pages/SectionPlaceholder.js';
import { ComposePage } from '../posts/ComposePage.js';
import { MediaLibraryPage } from '../media/MediaLibraryPage.js';
import { FeedsPage } from '../feeds/FeedsPage.js';
import { IdeasPage } from '../planner/IdeasPage.js';
import { QueuesPage } from '../planner/QueuesPage.js';
import { ImportPage } from '../imports/ImportPage.js';
import { ApprovalsPage } from '../approvals/ApprovalsPage.js';
import { PostPage } from '../posts/PostPage.js';
import {
  can,
  defaultSettingsPage,
  findSection,
  findSettingsPage,
  workspaceHome,
  workspacePath,
} from '../permissions.js';
import { Redirect, pathSegments, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { SettingsLayout } from '../settings/SettingsLayout.js';
import type { Section } from '../permissions.js';
import type { Workspace } from '../types.js';
import { CalendarPage } from '../calendar/CalendarPage.js';
import { NotificationSettingsPage } from '../notifications/NotificationSettingsPage.js';
import { AppShell } from './AppShell.js';
import { NoWorkspacePage } from './NoWorkspacePage.js';
import { WorkspaceMissing } from './WorkspaceMissing.js';

/** Routes of the logged-in app: `/`, `/oauth/callback`, `/settings/notifications` and `/w/:workspaceId/...`. */
export function AppRoutes() {
  const { me } = useSession();
  const { pathname } = useLocation();
  const segments = pathSegments(pathname);

  if (segments.length === 0) {
    const first = me.workspaces[0];
    if (first) return <Redirect to={workspaceHome(first)} />;
    return (
      <AppShell workspace={undefined}>
        <NoWorkspacePage />
      </AppShell>
    );
  }

  if (segments.length === 2 && segments[0] === 'oauth' && segments[1] === 'callback') {
    return (
      <AppShell workspace={undefined}>
        <OAuthCallbackPage />
      </AppShell>
    );
  }

  // The person's own settings, the same in every workspace.
  if (segments.length === 2 && segments[0] === 'settings' && segments[1] === 'notifications') {
    return (
      <AppShell workspace={undefined}>
        <NotificationSettingsPage />
      </AppShell>
    );
  }

  const [prefix, workspaceId, ...rest] = segments;
  if (prefix !== 'w' || !workspaceId) {
    return (
      <AppShell workspace={undefined}>
        <NotFoundView />
      </AppShell>
    );
  }

  const workspace = me.workspaces.find((candidate) => candidate.id === workspaceId);
  return (
    <AppShell workspace={workspace}>
      {workspace ? <WorkspaceRoutes workspace={workspace} rest={rest} /> : <WorkspaceMissing />}
    </AppShell>
  );
}

function WorkspaceRoutes({ workspace, rest }: { workspace: Workspace; rest: string[] }) {
  const [sectionId, subPageId, ...extra] = rest;
  if (!sectionId) return <Redirect to={workspaceHome(workspace)} />;

  // A post's own page belongs to the calendar: the same people may open it.
  if (sectionId === 'posts') {
    const calendar = findSection('calendar');
    if (!subPageId || extra.length > 0 || !calendar) return <NotFoundView />;
    return can(workspace, calendar.permission) ? (
      <PostPage key={`${workspace.id}-${subPageId}`} workspace={workspace} postId={subPageId} />
    ) : (
      <SectionForbidden section={calendar} />
    );
  }

  const section = findSection(sectionId);
  if (!section || extra.length > 0) return <NotFoundView />;

  if (section.id !== 'settings') {
    if (subPageId) return <NotFoundView />;
    return can(workspace, section.permission) ? (
      <SectionPage workspace={workspace} section={section} />
    ) : (
      <SectionForbidden section={section} />
    );
  }

  if (!subPageId)
    return <Redirect to={workspacePath(workspace, `settings/${defaultSettingsPage(workspace)}`)} />;
  const page = findSettingsPage(subPageId);
  if (!page) return <NotFoundView />;
  return <SettingsLayout workspace={workspace} page={page.id} />;
}

function SectionPage({ workspace, section }: { workspace: Workspace; section: Section }) {
  if (section.id === 'calendar') return <CalendarPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'compose') return <ComposePage key={workspace.id} workspace={workspace} />;
  if (section.id === 'feeds') return <FeedsPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'media') return <MediaLibraryPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'ideas') return <IdeasPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'queues') return <QueuesPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'approvals') return <ApprovalsPage key={workspace.id} workspace={workspace} />;
  if (section.id === 'import') return <ImportPage key={workspace.id} workspace={workspace} />;
  return <SectionPlaceholder section={section} />;
}
