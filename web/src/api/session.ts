/** API calls for setup, login and logout, the signed-in person, workspaces and roles. */

import type {
  CreateWorkspaceInput,
  LoginInput,
  Me,
  RolesCatalog,
  SessionStart,
  SetupInput,
  SetupStatus,
  Workspace,
  WorkspaceList,
} from '../types.js';
import { request, setCsrfToken, startSession } from './core.js';

export const sessionCalls = {
  setupStatus: (signal?: AbortSignal) =>
    request<SetupStatus>('/api/v1/setup', { signal, publicEndpoint: true }),

  setup: (input: SetupInput) =>
    request<SessionStart>('/api/v1/setup', { method: 'POST', body: input, publicEndpoint: true }).then(
      startSession,
    ),

  login: (input: LoginInput) =>
    request<SessionStart>('/api/v1/auth/login', { method: 'POST', body: input, publicEndpoint: true }).then(
      startSession,
    ),

  logout: async (): Promise<void> => {
    try {
      await request<undefined>('/api/v1/auth/logout', { method: 'POST', publicEndpoint: true });
    } finally {
      setCsrfToken(null);
    }
  },

  me: async (signal?: AbortSignal): Promise<Me> => {
    const me = await request<Me>('/api/v1/me', { signal, publicEndpoint: true });
    setCsrfToken(me.csrfToken);
    return me;
  },

  workspaces: (signal?: AbortSignal) => request<WorkspaceList>('/api/v1/workspaces', { signal }),

  createWorkspace: (input: CreateWorkspaceInput) =>
    request<{ workspace: Workspace }>('/api/v1/workspaces', { method: 'POST', body: input }),

  roles: (signal?: AbortSignal) => request<RolesCatalog>('/api/v1/roles', { signal }),
};
