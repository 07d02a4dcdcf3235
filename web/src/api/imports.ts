/** API calls for CSV imports. */

import type { ImportRowView, ImportSummary, PreviewImportInput } from '../types.js';
import { request, seg, ws } from './core.js';

export const importCalls = {
  previewImport: (workspaceId: string, input: PreviewImportInput) =>
    request<{ import: ImportSummary }>(`${ws(workspaceId)}/imports`, { method: 'POST', body: input }),

  importSummary: (workspaceId: string, importId: string, signal?: AbortSignal) =>
    request<{ import: ImportSummary }>(`${ws(workspaceId)}/imports/${seg(importId)}`, { signal }),

  importRows: (
    workspaceId: string,
    importId: string,
    query: { offset: number; limit: number; status?: 'problems' | 'failed' },
    signal?: AbortSignal,
  ) =>
    request<{ rows: ImportRowView[]; total: number }>(`${ws(workspaceId)}/imports/${seg(importId)}/rows`, {
      query,
      signal,
    }),

  confirmImport: (workspaceId: string, importId: string) =>
    request<{ import: ImportSummary }>(`${ws(workspaceId)}/imports/${seg(importId)}/confirm`, {
      method: 'POST',
    }),
};
