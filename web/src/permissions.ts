import type { Me, PermissionId, Workspace } from './types.js';

export type SectionId =
  | 'calendar'
  | 'compose'
  | 'ideas'
  | 'queues'
  | 'approvals'
  | 'media'
  | 'feeds'
  | 'import'
  | 'inbox'
  | 'listening'
  | 'analytics'
  | 'campaigns'
  | 'settings';

export interface Section {
  id: SectionId;
  label: string;
  /** Needed to see the section; null when every member may open it. */
  permission: PermissionId | null;
}

export const SECTIONS: readonly Section[] = [
  { id: 'calendar', label: 'Calendar', permission: 'posts.read' },
  { id: 'compose', label: 'Compose', permission: 'posts.write' },
  { id: 'ideas', label: 'Ideas', permission: 'posts.read' },
  { id: 'queues', label: 'Queues', permission: 'posts.read' },
  { id: 'approvals', label: 'Approvals', permission: 'posts.read' },
  { id: 'media', label: 'Media', permission: 'media.read' },
  { id: 'feeds', label: 'Feeds', permission: 'posts.write' },
  { id: 'import', label: 'Import', permission: 'posts.write' },
  { id: 'inbox', label: 'Inbox', permission: 'inbox.read' },
  { id: 'listening', label: 'Listening', permission: 'listening.read' },
  { id: 'analytics', label: 'Analytics', permission: 'analytics.read' },
  { id: 'campaigns', label: 'Campaigns', permission: 'campaigns.read' },
  { id: 'settings', label: 'Settings', permission: null },
];

export type SettingsPageId =
  'members' | 'channels' | 'publishing' | 'approvals' | 'webhooks' | 'workspaces' | 'tokens' | 'audit';

export interface SettingsPage {
  id: SettingsPageId;
  label: string;
  permission: PermissionId | null;
}

export const SETTINGS_PAGES: readonly SettingsPage[] = [
  { id: 'members', label: 'Members', permission: 'members.read' },
  { id: 'channels', label: 'Channels', permission: 'channels.read' },
  { id: 'publishing', label: 'Publishing', permission: 'posts.read' },
  { id: 'approvals', label: 'Approvals', permission: 'workspace.manage' },
  { id: 'webhooks', label: 'Webhooks', permission: 'workspace.manage' },
  { id: 'workspaces', label: 'Workspaces', permission: null },
  { id: 'tokens', label: 'API tokens', permission: null },
  { id: 'audit', label: 'Audit log', permission: 'audit.read' },
];

export function can(workspace: Workspace, permission: PermissionId | null): boolean {
  return permission === null || workspace.permissions.includes(permission);
}

export function findSection(id: string | undefined): Section | undefined {
  return SECTIONS.find((section) => section.id === id);
}

export function findSettingsPage(id: string | undefined): SettingsPage | undefined {
  return SETTINGS_PAGES.find((page) => page.id === id);
}

export function workspacePath(workspace: Workspace, rest: string): string {
  return `/w/${encodeURIComponent(workspace.id)}/${rest}`;
}

/** Where a workspace opens: its calendar, or settings for roles that cannot read posts. */
export function workspaceHome(workspace: Workspace): string {
  return workspacePath(workspace, can(workspace, 'posts.read') ? 'calendar' : 'settings');
}

export function defaultSettingsPage(workspace: Workspace): SettingsPageId {
  return can(workspace, 'members.read') ? 'members' : 'tokens';
}

/** True when the user may create workspaces in the workspace's organization. */
export function canCreateWorkspaces(me: Me, organizationId: string): boolean {
  const organization = me.organizations.find((org) => org.id === organizationId);
  return organization?.role === 'owner' || organization?.role === 'admin';
}
