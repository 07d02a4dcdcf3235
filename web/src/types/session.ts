/** Shapes of the API: the signed-in person, setup and login, workspaces, roles and permissions. */

export type RoleId =
  'owner' | 'admin' | 'manager' | 'editor' | 'community_manager' | 'media_buyer' | 'analyst' | 'client';

export type PermissionId = string;

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  role: string;
}

export interface Workspace {
  id: string;
  name: string;
  organizationId: string;
  timezone: string;
  role: RoleId;
  permissions: PermissionId[];
}

export interface Me {
  user: User;
  csrfToken: string;
  organizations: Organization[];
  workspaces: Workspace[];
}

/** Returned by setup, login and invitation acceptance: the caller is now logged in. */
export interface SessionStart {
  user: User;
  csrfToken: string;
}

export interface SetupStatus {
  needsSetup: boolean;
}

export interface SetupInput {
  name: string;
  email: string;
  password: string;
  organizationName: string;
  workspaceName: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface WorkspaceList {
  workspaces: Workspace[];
}

export interface CreateWorkspaceInput {
  organizationId: string;
  name: string;
  timezone: string;
}

export interface RoleInfo {
  id: RoleId;
  label: string;
  description: string;
}

export interface PermissionInfo {
  id: PermissionId;
  description: string;
}

export interface RolesCatalog {
  roles: RoleInfo[];
  permissions: PermissionInfo[];
  matrix: Partial<Record<RoleId, PermissionId[]>>;
}
