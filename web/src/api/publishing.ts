/** API calls for publishing pauses and the deliveries that need someone. */

import type { PauseInput, PublishingOverview, ResumeInput } from '../types.js';
import { request, ws } from './core.js';

export const publishingCalls = {
  /** Pauses in force and the deliveries that need someone. */
  publishing: (workspaceId: string, signal?: AbortSignal) =>
    request<PublishingOverview>(`${ws(workspaceId)}/publishing`, { signal }),

  pausePublishing: (workspaceId: string, input: PauseInput) =>
    request<undefined>(`${ws(workspaceId)}/publishing/pause`, { method: 'POST', body: input }),

  resumePublishing: (workspaceId: string, input: ResumeInput) =>
    request<{ released: number }>(`${ws(workspaceId)}/publishing/resume`, { method: 'POST', body: input }),
};
