import type { z } from 'zod';
import type { Permission } from '../modules/members/permissions.js';
import type { Actor } from '../modules/audit/audit.service.js';
import type { SessionPrincipal } from '../modules/auth/auth.service.js';
import type { TokenPrincipal } from '../modules/tokens/tokens.service.js';
import type { WorkspaceAccess } from '../modules/workspaces/workspaces.service.js';
import type { Services } from '../runtime/services.js';

export type Principal = SessionPrincipal | TokenPrincipal;

/**
 * Who may call a route. Every route states it; the HTTP layer enforces it before the handler runs.
 * - public: anyone (login, setup, invitation acceptance)
 * - user: any signed-in user (session or API token)
 * - session: a browser session only (e.g. managing API tokens, which a token must not do)
 * - workspace: the `:workspaceId` path parameter names a workspace where the caller holds `permission`
 *   (for a token: also within its workspace and permission scopes)
 */
export type RouteAuth =
  { kind: 'public' } | { kind: 'user' } | { kind: 'session' } | { kind: 'workspace'; permission: Permission };

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface Reply {
  status?: number;
  body?: unknown;
}

export interface RouteContext<P, Q, B, A extends RouteAuth> {
  params: P;
  query: Q;
  body: B;
  services: Services;
  actor: Actor;
  requestId: string;
  principal: A extends { kind: 'public' } ? Principal | undefined : Principal;
  access: A extends { kind: 'workspace' } ? WorkspaceAccess : undefined;
  /**
   * Routes with `rawBody`: the request body as it arrives (never buffered or parsed); with `rawBody` or
   * `requestHeaders`: the request's headers. Null for every other route.
   */
  raw: { body: AsyncIterable<Uint8Array> | null; header(name: string): string | undefined } | null;
  /** Browser session cookie control, for login/logout/setup/accept. */
  session: {
    start(session: { token: string; expiresAt: Date }): void;
    clear(): void;
  };
}

export interface RouteDefinition<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  A extends RouteAuth = RouteAuth,
> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The body is not JSON but a file streamed to the handler (`ctx.raw.body`), e.g. an upload of up to
   * `maxBytes` (the handler enforces it while reading; the JSON body limit does not apply). Exclusive with
   * `body`.
   */
  rawBody?: { description: string };
  /** A JSON body larger than MAX_BODY_BYTES is accepted up to this size (a file sent as text). */
  maxBodyBytes?: number;
  /** The handler reads request headers (`ctx.raw.header`), e.g. Range for a file. */
  requestHeaders?: true;
  /** Successful status and response schema (for OpenAPI; tests check responses against it). */
  response: { status: 200 | 201 | 204; schema?: z.ZodType; file?: { description: string } };
  handler(ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>, A>): Promise<unknown>;
}

/**
 * A handler's answer that is a file, not JSON: its bytes (a stream or in memory) and its own headers (type,
 * disposition, a policy stricter than the app's). The app adds its usual headers only where these lack them.
 */
export class FileReply {
  constructor(
    readonly body: ReadableStream<Uint8Array> | Uint8Array,
    readonly headers: Record<string, string>,
    /** 206 for part of a file (a Range request). */
    readonly status: 200 | 206 = 200,
  ) {}
}

/** Identity function that keeps the route's types tied together. */
export function defineRoute<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  A extends RouteAuth,
>(route: RouteDefinition<P, Q, B, A>): RouteDefinition {
  return route as unknown as RouteDefinition;
}
