import { request } from '../api.js';
import type { DeliveryState } from '../types.js';

/** The calendar's API shapes (docs/planner.md). */
export interface CalendarEntry {
  deliveryId: string;
  postId: string;
  channelId: string;
  dueAt: string;
  state: DeliveryState;
  queued: boolean;
  url: string | null;
  text: string;
  title: string | null;
  tags: string[];
  campaign: string | null;
  categoryId: string | null;
  authorId: string | null;
}

export type NoteKind = 'note' | 'launch' | 'holiday' | 'event';

export interface CalendarNote {
  id: string;
  startsOn: string;
  endsOn: string;
  kind: NoteKind;
  title: string;
  body: string | null;
}

export interface CalendarPage {
  entries: CalendarEntry[];
  days: { day: string; count: number }[];
  notes: CalendarNote[];
  timeZone: string;
  nextCursor: string | null;
}

export interface CalendarQuery {
  from: string;
  to: string;
  timeZone: string;
  channelIds?: string;
  states?: string;
  tag?: string;
  categoryId?: string;
  campaign?: string;
  authorId?: string;
  limit?: number;
}

export interface CategorySummary {
  id: string;
  name: string;
  color: string | null;
}

const ws = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;

export const calendarApi = {
  calendar: (workspaceId: string, query: CalendarQuery, signal?: AbortSignal) =>
    request<CalendarPage>(`${ws(workspaceId)}/calendar`, { query: { ...query }, signal }),

  categories: (workspaceId: string, signal?: AbortSignal) =>
    request<{ categories: CategorySummary[] }>(`${ws(workspaceId)}/categories`, { signal }),

  reschedule: (workspaceId: string, deliveryId: string, local: string, timeZone: string) =>
    request<unknown>(`${ws(workspaceId)}/deliveries/${encodeURIComponent(deliveryId)}/reschedule`, {
      method: 'POST',
      body: { local, timeZone },
    }),

  addNote: (workspaceId: string, note: { startsOn: string; endsOn: string; kind: NoteKind; title: string }) =>
    request<{ note: CalendarNote }>(`${ws(workspaceId)}/calendar/notes`, { method: 'POST', body: note }),

  deleteNote: (workspaceId: string, noteId: string) =>
    request<undefined>(`${ws(workspaceId)}/calendar/notes/${encodeURIComponent(noteId)}`, {
      method: 'DELETE',
    }),

  feed: (workspaceId: string, signal?: AbortSignal) =>
    request<{ feed: { createdAt: string; lastReadAt: string | null } | null }>(
      `${ws(workspaceId)}/calendar/feed`,
      {
        signal,
      },
    ),

  createFeed: (workspaceId: string) =>
    request<{ url: string }>(`${ws(workspaceId)}/calendar/feed`, { method: 'POST' }),

  deleteFeed: (workspaceId: string) =>
    request<undefined>(`${ws(workspaceId)}/calendar/feed`, { method: 'DELETE' }),
};
