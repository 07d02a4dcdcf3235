/** API calls for API tokens and the audit log. */

import type { ApiToken, AuditEventPage, CreatedToken, CreateTokenInput } from '../types.js';
import { request, seg, ws } from './core.js';

export const accessCalls = {
  tokens: (signal?: AbortSignal) => request<{ tokens: ApiToken[] }>('/api/v1/tokens', { signal }),

  createToken: (input: CreateTokenInput) =>
    request<CreatedToken>('/api/v1/tokens', { method: 'POST', body: input }),

  revokeToken: (tokenId: string) =>
    request<undefined>(`/api/v1/tokens/${seg(tokenId)}`, { method: 'DELETE' }),

  auditEvents: (
    workspaceId: string,
    options: { limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<AuditEventPage>(`${ws(workspaceId)}/audit-events`, {
      query: { limit: options.limit ?? 50, before: options.before },
      signal,
    }),
};
