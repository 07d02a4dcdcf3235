/**
 * Roles and the permission matrix. Every workspace route declares one permission; the HTTP layer checks it
 * against the caller's effective role (and, for API tokens, the token's scopes). `docs/PERMISSIONS.md` is
 * generated from this file (`npm run docs:permissions`) and a test keeps the two equal.
 */
export const ROLES = [
  'owner',
  'admin',
  'manager',
  'editor',
  'community_manager',
  'media_buyer',
  'analyst',
  'client',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_INFO: Record<Role, { label: string; description: string }> = {
  owner: {
    label: 'Owner',
    description: 'Owns the organization: everything, including billing-level settings.',
  },
  admin: { label: 'Admin', description: 'Runs the organization: members, workspaces, channels, audit log.' },
  manager: {
    label: 'Manager',
    description: 'SMM head: strategy, publishing, approvals, team invitations and reports.',
  },
  editor: {
    label: 'Editor',
    description: 'Content maker: writes and schedules posts that may need approval.',
  },
  community_manager: {
    label: 'Community manager',
    description: 'Answers and moderates the inbox; watches listening and alerts.',
  },
  media_buyer: { label: 'Media buyer', description: 'Runs paid campaigns and watches spend and results.' },
  analyst: { label: 'Analyst', description: 'Reads analytics, listening and campaign results.' },
  client: { label: 'Client', description: 'Guest: sees planned content and approves it.' },
};

export const PERMISSIONS = {
  'workspace.read': 'See the workspace and its settings.',
  'workspace.manage':
    'Rename the workspace, change its time zone, and see and manage its webhooks (their URLs and delivery log).',
  'members.read': 'See who is in the workspace.',
  'members.manage': 'Invite, change roles of and remove members.',
  'audit.read': 'Read the audit log.',
  'channels.read': 'See connected channels and their health.',
  'channels.manage': 'Connect, reconnect and disconnect channels.',
  'posts.read': 'See posts, the calendar and queues.',
  'media.read': 'See the media library and open its files.',
  'media.manage': 'Upload, import, edit and delete media in the library.',
  'posts.write': 'Create and edit posts and drafts, and manage the feeds that make them.',
  'posts.publish': 'Publish or schedule without approval.',
  'approvals.decide':
    'Approve or reject posts at workflow steps that name your role (people named one by one in a step decide without it).',
  'inbox.read': 'Read comments, mentions and messages.',
  'inbox.reply': 'Reply to and moderate conversations.',
  'listening.read': 'See listening results, alerts and competitors.',
  'listening.manage': 'Create listening queries and alerts.',
  'analytics.read': 'See analytics and reports.',
  'campaigns.read': 'See campaigns, budgets and results.',
  'campaigns.manage': 'Create campaigns and record spend.',
  'strategy.manage': 'Edit goals, audiences, pillars and tone.',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_IDS = Object.keys(PERMISSIONS) as Permission[];

const ALL = PERMISSION_IDS;
const without = (...excluded: Permission[]): Permission[] => ALL.filter((p) => !excluded.includes(p));

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ALL,
  admin: ALL,
  manager: without('audit.read'),
  editor: [
    'workspace.read',
    'members.read',
    'channels.read',
    'posts.read',
    'posts.write',
    'media.read',
    'media.manage',
    'analytics.read',
  ],
  community_manager: [
    'workspace.read',
    'members.read',
    'channels.read',
    'posts.read',
    'media.read',
    'inbox.read',
    'inbox.reply',
    'listening.read',
  ],
  media_buyer: [
    'workspace.read',
    'members.read',
    'channels.read',
    'posts.read',
    'media.read',
    'analytics.read',
    'campaigns.read',
    'campaigns.manage',
  ],
  analyst: [
    'workspace.read',
    'members.read',
    'channels.read',
    'posts.read',
    'media.read',
    'listening.read',
    'analytics.read',
    'campaigns.read',
  ],
  client: ['workspace.read', 'posts.read', 'media.read', 'approvals.decide'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles ordered by reach; a member can grant only roles at or below their own. */
const RANK: Record<Role, number> = {
  owner: 100,
  admin: 90,
  manager: 70,
  editor: 40,
  community_manager: 40,
  media_buyer: 40,
  analyst: 30,
  client: 10,
};

export function canGrant(granter: Role, role: Role): boolean {
  if (role === 'owner') return false;
  return RANK[granter] >= RANK[role];
}

export function outranks(a: Role, b: Role): boolean {
  return RANK[a] >= RANK[b];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return value in PERMISSIONS;
}

/** The Markdown table in docs/PERMISSIONS.md. */
export function permissionMatrixMarkdown(): string {
  const header = `| permission | ${ROLES.join(' | ')} |`;
  const sep = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = PERMISSION_IDS.map(
    (p) => `| \`${p}\` — ${PERMISSIONS[p]} | ${ROLES.map((r) => (can(r, p) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, sep, ...rows].join('\n');
}
