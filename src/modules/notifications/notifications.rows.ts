/** The shape of a notification, and how a row becomes one. */
export interface Notification {
  id: string;
  userId: string;
  workspaceId: string;
  type: string;
  title: string;
  body: string;
  /** An address inside the web app, e.g. `/w/<workspace id>/settings/channels`. */
  link: string;
  /** What it is about (a channel or delivery id), or null. */
  subjectId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** A notification to record for one person. */
export interface NewNotification {
  id: string;
  userId: string;
  workspaceId: string;
  type: string;
  title: string;
  body: string;
  link: string;
  subjectId: string | null;
}

export const NOTIFICATION_COLUMNS = [
  'id',
  'user_id',
  'workspace_id',
  'type',
  'title',
  'body',
  'link',
  'subject_id',
  'created_at',
  'read_at',
] as const;

export type NotificationRow = {
  id: string;
  user_id: string;
  workspace_id: string;
  type: string;
  title: string;
  body: string;
  link: string;
  subject_id: string | null;
  created_at: Date;
  read_at: Date | null;
};

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  userId: r.user_id,
  workspaceId: r.workspace_id,
  type: r.type,
  title: r.title,
  body: r.body,
  link: r.link,
  subjectId: r.subject_id,
  createdAt: r.created_at,
  readAt: r.read_at,
});
