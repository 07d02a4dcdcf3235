import { api } from './api.js';
import { useAsync } from './hooks.js';
import type { AsyncResource } from './hooks.js';
import type { RoleId, RoleInfo, RolesCatalog } from './types.js';

/** Labels used before `/api/v1/roles` answers, or where it cannot be called (the invitation page). */
const FALLBACK_LABELS: Record<RoleId, string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  editor: 'Editor',
  community_manager: 'Community manager',
  media_buyer: 'Media buyer',
  analyst: 'Analyst',
  client: 'Client',
};

export const ROLE_IDS = Object.keys(FALLBACK_LABELS) as RoleId[];

export function roleLabel(role: string, roles?: readonly RoleInfo[]): string {
  const known = roles?.find((info) => info.id === role);
  if (known) return known.label;
  if (role in FALLBACK_LABELS) return FALLBACK_LABELS[role as RoleId];
  const words = role.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Roles a workspace member can be given or invited with: every role except owner. */
export function assignableRoles(roles: readonly RoleInfo[] | undefined): { id: RoleId; label: string }[] {
  const ids = roles && roles.length > 0 ? roles.map((role) => role.id) : ROLE_IDS;
  return ids.filter((id) => id !== 'owner').map((id) => ({ id, label: roleLabel(id, roles) }));
}

let catalog: Promise<RolesCatalog> | null = null;

/** The role catalog never changes while the app runs, so it is fetched once and shared. */
function loadRoles(): Promise<RolesCatalog> {
  catalog ??= api.roles().catch((error: unknown) => {
    catalog = null;
    throw error;
  });
  return catalog;
}

export function useRoles(): AsyncResource<RolesCatalog> {
  return useAsync(() => loadRoles(), []);
}
