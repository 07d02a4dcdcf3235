import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import { randomToken } from '../core/ids.js';
import { safeEqual } from '../core/hash.js';
import type { Actor } from '../modules/audit/audit.service.js';
import type { Services } from '../runtime/services.js';
import { STATUS_BY_CODE, errorBody, internalError } from './errors.js';
import type { Metrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { FileReply, type Principal, type RouteDefinition } from './route.js';
import { ROUTES } from './routes.js';
import { readStaticFile } from './static.js';

export const SESSION_COOKIE = 'chorus_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AppDeps {
  services: Services;
  metrics: Metrics;
  logger: Logger;
  version: string;
  /** Folder of the built web app; null serves the API only. */
  webRoot: string | null;
  ready: () => Promise<{ database: boolean; jobs: boolean }>;
  routes?: readonly RouteDefinition[];
}

type Env = { Variables: { requestId: string; routePattern: string } };

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

export function createApp(deps: AppDeps): Hono<Env> {
  const { services, metrics, logger } = deps;
  const config = services.config;
  const routes = deps.routes ?? ROUTES;
  const app = new Hono<Env>();
  const fail = (c: Context<Env>, error: AppError) => {
    if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
    return c.json(errorBody(error), STATUS_BY_CODE[error.code]);
  };

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomToken(9);
    c.set('requestId', requestId);
    c.set('routePattern', 'unmatched');
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    // A file reply may bring a stricter policy of its own; it is kept.
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.header(k, v);
    const seconds = (performance.now() - started) / 1000;
    const route = c.get('routePattern');
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    if (route !== '/metrics' && route !== '/healthz') {
      logger.info(
        { requestId, method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) },
        'request',
      );
    }
  });

  app.onError((err, c) => {
    if (err instanceof AppError) return fail(c, err);
    logger.error({ requestId: c.get('requestId'), err: err.message, stack: err.stack }, 'unhandled error');
    return fail(c, internalError(c.get('requestId')));
  });

  // Routes that stream their body (uploads) enforce their own, larger limit while reading.
  const streamed = routes
    .filter((r) => r.rawBody)
    .map((r) => ({
      method: r.method.toUpperCase(),
      pattern: new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`),
    }));
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        fail(
          c as Context<Env>,
          new AppError(
            'payload_too_large',
            `The request body is larger than ${maxSize} bytes. Send less data per request.`,
          ),
        ),
    });
  const jsonBodyLimit = limitOf(config.MAX_BODY_BYTES);
  // JSON routes that carry a whole file (a CSV to import) take a larger body than the default.
  const large = routes
    .filter((r) => r.maxBodyBytes !== undefined)
    .map((r) => ({
      method: r.method.toUpperCase(),
      pattern: new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`),
      limit: limitOf(Math.max(r.maxBodyBytes!, config.MAX_BODY_BYTES)),
    }));
  app.use('/api/*', (c, next) => {
    if (streamed.some((s) => s.method === c.req.method && s.pattern.test(c.req.path))) return next();
    const own = large.find((l) => l.method === c.req.method && l.pattern.test(c.req.path));
    return (own?.limit ?? jsonBodyLimit)(c, next);
  });

  app.get('/healthz', (c) => {
    c.set('routePattern', '/healthz');
    return c.json({ status: 'ok' });
  });
  app.get('/readyz', async (c) => {
    c.set('routePattern', '/readyz');
    const checks = await deps.ready();
    const ok = checks.database && checks.jobs;
    return c.json({ status: ok ? 'ready' : 'not_ready', checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.set('routePattern', '/metrics');
    if (
      config.METRICS_TOKEN &&
      !safeEqual(c.req.header('authorization') ?? '', `Bearer ${config.METRICS_TOKEN}`)
    ) {
      return fail(
        c,
        new AppError('unauthenticated', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.'),
      );
    }
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  const openApi = buildOpenApi(routes, deps.version);
  app.get('/api/v1/openapi.json', (c) => {
    c.set('routePattern', '/api/v1/openapi.json');
    return c.json(openApi);
  });

  for (const route of routes) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      c.set('routePattern', route.path);
      return handle(c, route);
    });
  }

  async function authenticate(c: Context<Env>): Promise<Principal | undefined> {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer (\S+)$/.exec(authorization);
      const principal = match ? await services.tokens.authenticate(match[1]!) : undefined;
      if (!principal) {
        throw new AppError(
          'unauthenticated',
          'The API token is invalid, expired or revoked. Create a new one in Settings → API tokens.',
        );
      }
      return principal;
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    return cookie ? services.auth.authenticateSession(cookie) : undefined;
  }

  function clientAddress(c: Context<Env>): string | null {
    if (config.TRUST_PROXY) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded.slice(0, 64);
    }
    try {
      return getConnInfo(c).remote.address ?? null;
    } catch {
      return null; // in-process requests (tests) have no socket
    }
  }

  async function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): Promise<z.infer<S>> {
    const result = await schema.safeParseAsync(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
      code: i.code,
    }));
    throw new AppError(
      'invalid_request',
      `The request ${where} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { details: { issues } },
    );
  }

  async function handle(c: Context<Env>, route: RouteDefinition): Promise<Response> {
    const principal = await authenticate(c);
    if (route.auth.kind !== 'public' && !principal) {
      throw new AppError(
        'unauthenticated',
        'You are not logged in, or your session has ended. Log in and try again.',
      );
    }
    if (route.auth.kind === 'session' && principal?.kind !== 'session') {
      throw new AppError('forbidden', 'This action needs a browser session; API tokens cannot do it.');
    }
    if (principal?.kind === 'session' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const header = c.req.header(CSRF_HEADER) ?? '';
      if (!safeEqual(header, principal.csrfToken)) {
        throw new AppError(
          'csrf_failed',
          'The X-CSRF-Token header is missing or wrong. Reload the page and try again.',
        );
      }
    }
    const params = route.params ? await parse(route.params, c.req.param(), 'path') : {};
    const query = route.query ? await parse(route.query, c.req.query(), 'query') : {};
    let access;
    if (route.auth.kind === 'workspace') {
      const workspaceId = (params as { workspaceId?: string }).workspaceId;
      if (!workspaceId || !principal) throw new AppError('internal', 'Workspace route without :workspaceId.');
      access = await services.workspaces.accessOf(principal.userId, workspaceId);
      if (!access || (principal.kind === 'token' && !principal.workspaceIds.includes(workspaceId))) {
        throw new AppError('not_found', 'Workspace was not found, or you do not have access to it.');
      }
      const permission = route.auth.permission;
      if (!access.permissions.includes(permission)) {
        throw new AppError(
          'forbidden',
          `Your role (${access.role}) does not include the ${permission} permission. Ask a workspace admin.`,
        );
      }
      if (principal.kind === 'token' && !principal.permissions.includes(permission)) {
        throw new AppError(
          'forbidden',
          `This API token is not scoped for ${permission}. Create a token with that permission.`,
        );
      }
      if (principal.kind === 'token') {
        access = {
          ...access,
          permissions: access.permissions.filter((p) => principal.permissions.includes(p)),
        };
      }
    }
    let body: unknown = undefined;
    if (route.body) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type)) {
        throw new AppError(
          'unsupported_media_type',
          'Send the body as JSON with Content-Type: application/json.',
        );
      }
      const text = await c.req.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new AppError(
          'invalid_request',
          'The request body is not valid JSON. Check quotes, commas and brackets.',
        );
      }
      body = await parse(route.body, json, 'body');
    }
    const raw =
      route.rawBody || route.requestHeaders
        ? {
            body: route.rawBody ? (c.req.raw.body as AsyncIterable<Uint8Array> | null) : null,
            header: (name: string) => c.req.header(name),
          }
        : null;
    const actor: Actor = {
      userId: principal?.userId ?? null,
      tokenId: principal?.kind === 'token' ? principal.tokenId : null,
      ip: clientAddress(c),
      userAgent: c.req.header('user-agent') ?? null,
    };
    const result = await route.handler({
      params,
      query,
      body,
      services,
      actor,
      requestId: c.get('requestId'),
      principal: principal as Principal,
      access: access as never,
      raw,
      session: {
        start: (s) =>
          setCookie(c, SESSION_COOKIE, s.token, {
            httpOnly: true,
            sameSite: 'Lax',
            secure: config.cookieSecure,
            path: '/',
            expires: s.expiresAt,
          }),
        clear: () => deleteCookie(c, SESSION_COOKIE, { path: '/', secure: config.cookieSecure }),
      },
    });
    if (result instanceof FileReply) {
      for (const [k, v] of Object.entries(result.headers)) c.header(k, v);
      return c.body(result.body as ReadableStream<Uint8Array>, result.status);
    }
    c.header('Cache-Control', 'no-store');
    // A route whose answer is not JSON (a calendar file) builds its own response.
    if (result instanceof Response) {
      result.headers.set('Cache-Control', 'no-store');
      return result;
    }
    if (route.response.status === 204) return c.body(null, 204);
    return c.json(result as object, route.response.status);
  }

  app.all('/api/*', (c) =>
    fail(
      c,
      new AppError('not_found', `No API endpoint ${c.req.method} ${c.req.path}. See /api/v1/openapi.json.`),
    ),
  );

  app.get('*', async (c) => {
    c.set('routePattern', 'web');
    if (!deps.webRoot)
      return c.text('Chorus API is running. The web app is not built; run `npm run build`.', 404);
    const file = await readStaticFile(deps.webRoot, c.req.path);
    if (file) {
      c.header('Content-Type', file.type);
      c.header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return c.body(new Uint8Array(file.body));
    }
    // Client-side routes get the app; the app shows its own "page not found".
    const index = await readStaticFile(deps.webRoot, '/index.html');
    if (!index) return c.text('The web app build is missing index.html; run `npm run build`.', 500);
    c.header('Cache-Control', 'no-cache');
    return c.html(index.body.toString('utf8'));
  });

  return app;
}
