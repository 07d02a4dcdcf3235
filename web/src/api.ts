import type {
  AcceptInvitationInput,
  MarkNotificationsReadInput,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesChange,
  UnreadNotificationCount,
  ApiErrorBody,
  ApiToken,
  AuditEventPage,
  Channel,
  ChannelCredential,
  ConnectChannelInput,
  CreatePostInput,
  ComposerSettings,
  PostCheck,
  TokenSuggestion,
  Delivery,
  PauseInput,
  Post,
  PostListQuery,
  PublishingOverview,
  ResolveDeliveryInput,
  ResumeInput,
  SignInAnswer,
  StartSignInInput,
  CreatedInvitation,
  CreatedToken,
  CreateInvitationInput,
  CreateTokenInput,
  CreateWorkspaceInput,
  CreateWebhookInput,
  Invitation,
  InvitationPreview,
  LoginInput,
  Me,
  Member,
  NetworkInfo,
  RoleId,
  RolesCatalog,
  SessionStart,
  SetupInput,
  SetupStatus,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEventInfo,
  WebhookWithSecret,
  UpdatePostInput,
  Workspace,
  WorkspaceList,
  CreateFeedInput,
  Feed,
  FeedItem,
  FeedPollOutcome,
  FeedPreview,
  FeedPreviewInput,
  UpdateFeedInput,
  BacklogQuery,
  Category,
  CategoryInput,
  ChannelQueue,
  CreateIdeaInput,
  PlannedPost,
  PlanPostInput,
  QueueAction,
  SaveQueueInput,
  MediaAsset,
  MediaCheckResult,
  MediaPage,
  MediaQuery,
  MediaUpdate,
  MediaUse,
  ImportRowView,
  ImportSummary,
  PreviewImportInput,
} from './types.js';

/** An error answer from the API (or a failure to reach it), carrying the server's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Turns anything thrown into an `ApiError`, so views have one shape to show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error && error.message ? error.message : 'Something went wrong.';
  return new ApiError(0, 'client_error', message);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

let csrfToken: string | null = null;
let unauthenticatedHandler: (() => void) | null = null;

/** The token sent as `X-CSRF-Token` on every mutation. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request that needs a session gets a 401 (the session expired or was revoked). */
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  /** A 401 is an expected answer here (logging in, probing the session), not an expired session. */
  publicEndpoint?: boolean;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string' &&
    'code' in error &&
    typeof error.code === 'string'
  );
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Calls the API and returns the parsed JSON body (`undefined` for 204). Throws `ApiError` otherwise. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(
      0,
      'network_error',
      'Could not reach the Chorus server. Check your connection and try again.',
    );
  }

  const data = parseJson(await response.text());
  if (!response.ok) {
    if (response.status === 401 && !options.publicEndpoint) unauthenticatedHandler?.();
    if (isErrorBody(data)) {
      throw new ApiError(response.status, data.error.code, data.error.message, data.error.details);
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${String(response.status)}${statusText}.`,
    );
  }
  return data as T;
}

const seg = encodeURIComponent;
const ws = (workspaceId: string): string => `/api/v1/workspaces/${seg(workspaceId)}`;

function startSession(start: SessionStart): SessionStart {
  setCsrfToken(start.csrfToken);
  return start;
}

export const api = {
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

  members: (workspaceId: string, signal?: AbortSignal) =>
    request<{ members: Member[] }>(`${ws(workspaceId)}/members`, { signal }),

  updateMember: (workspaceId: string, userId: string, role: RoleId) =>
    request<{ member: Member }>(`${ws(workspaceId)}/members/${seg(userId)}`, {
      method: 'PATCH',
      body: { role },
    }),

  removeMember: (workspaceId: string, userId: string) =>
    request<undefined>(`${ws(workspaceId)}/members/${seg(userId)}`, { method: 'DELETE' }),

  invitations: (workspaceId: string, signal?: AbortSignal) =>
    request<{ invitations: Invitation[] }>(`${ws(workspaceId)}/invitations`, { signal }),

  createInvitation: (workspaceId: string, input: CreateInvitationInput) =>
    request<CreatedInvitation>(`${ws(workspaceId)}/invitations`, { method: 'POST', body: input }),

  revokeInvitation: (workspaceId: string, invitationId: string) =>
    request<undefined>(`${ws(workspaceId)}/invitations/${seg(invitationId)}`, { method: 'DELETE' }),

  previewInvitation: (token: string, signal?: AbortSignal) =>
    request<InvitationPreview>('/api/v1/invitations/preview', {
      method: 'POST',
      body: { token },
      signal,
      publicEndpoint: true,
    }),

  acceptInvitation: (input: AcceptInvitationInput) =>
    request<SessionStart>('/api/v1/invitations/accept', {
      method: 'POST',
      body: input,
      publicEndpoint: true,
    }).then(startSession),

  tokens: (signal?: AbortSignal) => request<{ tokens: ApiToken[] }>('/api/v1/tokens', { signal }),

  createToken: (input: CreateTokenInput) =>
    request<CreatedToken>('/api/v1/tokens', { method: 'POST', body: input }),

  revokeToken: (tokenId: string) =>
    request<undefined>(`/api/v1/tokens/${seg(tokenId)}`, { method: 'DELETE' }),

  networks: (signal?: AbortSignal) => request<{ networks: NetworkInfo[] }>('/api/v1/networks', { signal }),

  channels: (workspaceId: string, signal?: AbortSignal) =>
    request<{ channels: Channel[] }>(`${ws(workspaceId)}/channels`, { signal }),

  connectChannel: (workspaceId: string, input: ConnectChannelInput) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels`, { method: 'POST', body: input }),

  /** Starts signing in on a network; the browser is then sent to `authorizeUrl`. */
  startChannelSignIn: (workspaceId: string, input: StartSignInInput) =>
    request<{ authorizeUrl: string; expiresAt: string }>(`${ws(workspaceId)}/channels/oauth`, {
      method: 'POST',
      body: input,
    }),

  /** Hands what the network sent back to /oauth/callback to the server, which connects the channel. */
  completeChannelSignIn: (answer: SignInAnswer) =>
    request<{ channel: Channel; workspaceId: string }>('/api/v1/oauth/complete', {
      method: 'POST',
      body: answer,
    }),

  testChannel: (workspaceId: string, channelId: string) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels/${seg(channelId)}/test`, { method: 'POST' }),

  reconnectChannel: (workspaceId: string, channelId: string, credential: ChannelCredential) =>
    request<{ channel: Channel }>(`${ws(workspaceId)}/channels/${seg(channelId)}/credential`, {
      method: 'PUT',
      body: { credential },
    }),

  disconnectChannel: (workspaceId: string, channelId: string) =>
    request<undefined>(`${ws(workspaceId)}/channels/${seg(channelId)}`, { method: 'DELETE' }),

  webhookEvents: (signal?: AbortSignal) =>
    request<{ events: WebhookEventInfo[] }>('/api/v1/webhook-events', { signal }),

  webhooks: (workspaceId: string, signal?: AbortSignal) =>
    request<{ endpoints: WebhookEndpoint[] }>(`${ws(workspaceId)}/webhooks`, { signal }),

  createWebhook: (workspaceId: string, input: CreateWebhookInput) =>
    request<WebhookWithSecret>(`${ws(workspaceId)}/webhooks`, { method: 'POST', body: input }),

  updateWebhook: (workspaceId: string, endpointId: string, input: UpdateWebhookInput) =>
    request<{ endpoint: WebhookEndpoint }>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteWebhook: (workspaceId: string, endpointId: string) =>
    request<undefined>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}`, { method: 'DELETE' }),

  rotateWebhookSecret: (workspaceId: string, endpointId: string) =>
    request<WebhookWithSecret>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/rotate-secret`, {
      method: 'POST',
    }),

  testWebhook: (workspaceId: string, endpointId: string) =>
    request<{ delivery: WebhookDelivery }>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/test`, {
      method: 'POST',
    }),

  webhookDeliveries: (
    workspaceId: string,
    endpointId: string,
    options: { limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<WebhookDeliveryPage>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/deliveries`, {
      query: { limit: options.limit ?? 20, before: options.before },
      signal,
    }),

  redeliverWebhook: (workspaceId: string, endpointId: string, deliveryId: string) =>
    request<{ delivery: WebhookDelivery }>(
      `${ws(workspaceId)}/webhooks/${seg(endpointId)}/deliveries/${seg(deliveryId)}/redeliver`,
      { method: 'POST' },
    ),

  auditEvents: (
    workspaceId: string,
    options: { limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<AuditEventPage>(`${ws(workspaceId)}/audit-events`, {
      query: { limit: options.limit ?? 50, before: options.before },
      signal,
    }),

  posts: (workspaceId: string, query: PostListQuery, signal?: AbortSignal) =>
    request<{ posts: Post[] }>(`${ws(workspaceId)}/posts`, {
      query: { limit: query.limit ?? 25, before: query.before, state: query.state },
      signal,
    }),

  /** One post with its deliveries and every attempt. */
  post: (workspaceId: string, postId: string, signal?: AbortSignal) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}`, { signal }),

  createPost: (workspaceId: string, input: CreatePostInput) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts`, { method: 'POST', body: input }),

  /** Checks a post as saving would, without saving it. */
  validatePost: (workspaceId: string, input: CreatePostInput, signal?: AbortSignal) =>
    request<PostCheck>(`${ws(workspaceId)}/posts/validate`, { method: 'POST', body: input, signal }),

  /** Hashtags (`kind` hashtags) or mentions used in the workspace's recent posts, starting with `prefix`. */
  suggestions: (workspaceId: string, kind: 'hashtags' | 'mentions', prefix: string, signal?: AbortSignal) =>
    request<{ hashtags?: TokenSuggestion[]; mentions?: TokenSuggestion[] }>(
      `${ws(workspaceId)}/posts/${kind}`,
      {
        query: { prefix, limit: '8' },
        signal,
      },
    ).then((r) => r[kind] ?? []),

  composerSettings: (workspaceId: string, signal?: AbortSignal) =>
    request<ComposerSettings>(`${ws(workspaceId)}/composer`, { signal }),

  updatePost: (workspaceId: string, postId: string, input: UpdatePostInput) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}`, { method: 'PATCH', body: input }),

  deletePost: (workspaceId: string, postId: string) =>
    request<undefined>(`${ws(workspaceId)}/posts/${seg(postId)}`, { method: 'DELETE' }),

  /** Sends again only the deliveries of the post that failed. */
  retryPost: (workspaceId: string, postId: string) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}/retry`, { method: 'POST' }),

  /** Settles an unconfirmed delivery: it was published, or it should be sent again. */
  resolveDelivery: (workspaceId: string, deliveryId: string, input: ResolveDeliveryInput) =>
    request<{ delivery: Delivery }>(`${ws(workspaceId)}/deliveries/${seg(deliveryId)}/resolve`, {
      method: 'POST',
      body: input,
    }),

  /** Pauses in force and the deliveries that need someone. */
  publishing: (workspaceId: string, signal?: AbortSignal) =>
    request<PublishingOverview>(`${ws(workspaceId)}/publishing`, { signal }),

  /** Your notifications, newest first, across your workspaces (or one). */
  notifications: (
    options: { workspaceId?: string; unread?: boolean; limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<NotificationPage>('/api/v1/notifications', {
      query: {
        workspaceId: options.workspaceId,
        unread: options.unread ? 'true' : undefined,
        limit: options.limit ?? 20,
        before: options.before,
      },
      signal,
    }),

  unreadNotificationCount: (signal?: AbortSignal) =>
    request<UnreadNotificationCount>('/api/v1/notifications/unread-count', { signal }),

  markNotificationsRead: (input: MarkNotificationsReadInput) =>
    request<{ marked: number }>('/api/v1/notifications/read', { method: 'POST', body: input }),

  /** How you are told about each type of notification, and when your digest goes out. */
  notificationPreferences: (signal?: AbortSignal) =>
    request<NotificationPreferences>('/api/v1/me/notification-preferences', { signal }),

  updateNotificationPreferences: (input: NotificationPreferencesChange) =>
    request<NotificationPreferences>('/api/v1/me/notification-preferences', { method: 'PUT', body: input }),

  pausePublishing: (workspaceId: string, input: PauseInput) =>
    request<undefined>(`${ws(workspaceId)}/publishing/pause`, { method: 'POST', body: input }),

  resumePublishing: (workspaceId: string, input: ResumeInput) =>
    request<{ released: number }>(`${ws(workspaceId)}/publishing/resume`, { method: 'POST', body: input }),

  feeds: (workspaceId: string, signal?: AbortSignal) =>
    request<{ feeds: Feed[] }>(`${ws(workspaceId)}/feeds`, { signal }),

  createFeed: (workspaceId: string, input: CreateFeedInput) =>
    request<{ feed: Feed; imported: FeedPollOutcome }>(`${ws(workspaceId)}/feeds`, {
      method: 'POST',
      body: input,
    }),

  previewFeed: (workspaceId: string, input: FeedPreviewInput) =>
    request<FeedPreview>(`${ws(workspaceId)}/feeds/preview`, { method: 'POST', body: input }),

  updateFeed: (workspaceId: string, feedId: string, input: UpdateFeedInput) =>
    request<{ feed: Feed }>(`${ws(workspaceId)}/feeds/${seg(feedId)}`, { method: 'PATCH', body: input }),

  deleteFeed: (workspaceId: string, feedId: string) =>
    request<undefined>(`${ws(workspaceId)}/feeds/${seg(feedId)}`, { method: 'DELETE' }),

  pollFeed: (workspaceId: string, feedId: string) =>
    request<{ feed: Feed; outcome: FeedPollOutcome }>(`${ws(workspaceId)}/feeds/${seg(feedId)}/poll`, {
      method: 'POST',
    }),

  feedItems: (workspaceId: string, feedId: string, signal?: AbortSignal) =>
    request<{ items: FeedItem[] }>(`${ws(workspaceId)}/feeds/${seg(feedId)}/items`, {
      query: { limit: 50 },
      signal,
    }),

  /** Ideas and drafts with their planning fields (tags, category, notes), newest first. */
  backlog: (workspaceId: string, query: BacklogQuery, signal?: AbortSignal) =>
    request<{ posts: PlannedPost[] }>(`${ws(workspaceId)}/posts`, {
      query: {
        limit: query.limit ?? 50,
        before: query.before,
        kind: query.kind,
        drafts: query.drafts ? 'true' : undefined,
        tag: query.tag,
        categoryId: query.categoryId,
      },
      signal,
    }),

  createIdea: (workspaceId: string, input: CreateIdeaInput) =>
    request<{ post: PlannedPost }>(`${ws(workspaceId)}/posts`, { method: 'POST', body: input }),

  /** Edits an idea or a draft; `kind: 'post'` with channels and a schedule turns an idea into a post. */
  planPost: (workspaceId: string, postId: string, input: PlanPostInput) =>
    request<{ post: PlannedPost }>(`${ws(workspaceId)}/posts/${seg(postId)}`, {
      method: 'PATCH',
      body: input,
    }),

  categories: (workspaceId: string, signal?: AbortSignal) =>
    request<{ categories: Category[] }>(`${ws(workspaceId)}/categories`, { signal }),

  createCategory: (workspaceId: string, input: CategoryInput) =>
    request<{ category: Category }>(`${ws(workspaceId)}/categories`, { method: 'POST', body: input }),

  updateCategory: (workspaceId: string, categoryId: string, input: Partial<CategoryInput>) =>
    request<{ category: Category }>(`${ws(workspaceId)}/categories/${seg(categoryId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteCategory: (workspaceId: string, categoryId: string) =>
    request<undefined>(`${ws(workspaceId)}/categories/${seg(categoryId)}`, { method: 'DELETE' }),

  channelQueue: (workspaceId: string, channelId: string, signal?: AbortSignal) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue`, { signal }),

  saveChannelQueue: (workspaceId: string, channelId: string, input: SaveQueueInput) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue`, {
      method: 'PUT',
      body: input,
    }),

  /** Recalculate, shuffle, pause or resume a channel's queue. */
  queueAction: (workspaceId: string, channelId: string, action: QueueAction) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue/${action}`, {
      method: 'POST',
    }),

  /** The media library, newest first, with search, tag and kind filters. */
  media: (workspaceId: string, query: MediaQuery, signal?: AbortSignal) =>
    request<MediaPage>(`${ws(workspaceId)}/media`, {
      query: {
        q: query.q,
        tag: query.tag,
        kind: query.kind,
        limit: query.limit ?? 48,
        before: query.before,
      },
      signal,
    }),

  mediaAsset: (workspaceId: string, assetId: string, signal?: AbortSignal) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/${seg(assetId)}`, { signal }),

  uploadMedia: (
    workspaceId: string,
    file: File,
    options: { alt?: string; tags?: string[]; onProgress?: (fraction: number) => void; signal?: AbortSignal },
  ) => uploadFile(`${ws(workspaceId)}/media`, file, options),

  importMedia: (workspaceId: string, input: { url: string; alt?: string; tags?: string[] }) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/import`, { method: 'POST', body: input }),

  updateMedia: (workspaceId: string, assetId: string, input: MediaUpdate) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/${seg(assetId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteMedia: (workspaceId: string, assetId: string) =>
    request<undefined>(`${ws(workspaceId)}/media/${seg(assetId)}`, { method: 'DELETE' }),

  /** Checks media against channels' limits without saving (what the composer shows live). */
  checkMedia: (
    workspaceId: string,
    channels: { channelId: string; media: MediaUse[] }[],
    signal?: AbortSignal,
  ) =>
    request<MediaCheckResult>(`${ws(workspaceId)}/media/check`, {
      method: 'POST',
      body: { channels },
      signal,
    }),
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

/**
 * Uploads a file as the raw request body (the server sniffs its content), reporting progress as a fraction
 * from 0 to 1. XMLHttpRequest, because fetch cannot report upload progress.
 */
function uploadFile(
  url: string,
  file: File,
  options: { alt?: string; tags?: string[]; onProgress?: (fraction: number) => void; signal?: AbortSignal },
): Promise<{ asset: MediaAsset }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      buildUrl(url, {
        filename: file.name,
        alt: options.alt,
        tags: options.tags && options.tags.length > 0 ? options.tags.join(',') : undefined,
      }),
    );
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(data as { asset: MediaAsset });
        return;
      }
      if (xhr.status === 401) unauthenticatedHandler?.();
      reject(
        isErrorBody(data)
          ? new ApiError(xhr.status, data.error.code, data.error.message, data.error.details)
          : new ApiError(xhr.status, 'http_error', `The server answered ${String(xhr.status)}.`),
      );
    };
    xhr.onerror = () =>
      reject(
        new ApiError(
          0,
          'network_error',
          'The upload did not reach the Chorus server. Check your connection and try again.',
        ),
      );
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
