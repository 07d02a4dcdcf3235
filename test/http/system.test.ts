import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROUTES } from '../../src/http/routes.js';
import { PERMISSION_IDS, ROLES, ROLE_PERMISSIONS } from '../../src/modules/members/permissions.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';

type Operation = {
  summary: string;
  security: unknown[];
  'x-permission'?: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, unknown>;
};
type JsonSchema = {
  type?: string;
  additionalProperties?: unknown;
  properties?: Record<string, unknown>;
  required?: string[];
};
type OpenApi = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
};

/** True when the route's body schema refuses keys it does not name (z.strictObject). */
function refusesUnknownKeys(schema: z.ZodType): boolean {
  const result = schema.safeParse({ 'an-unknown-key': 1 });
  return !result.success && result.error.issues.some((i) => i.code === 'unrecognized_keys');
}

/** Counter value of chorus_http_requests_total for one label set, or 0. */
function requestCount(metrics: string, labels: { method: string; route: string; status: string }): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('chorus_http_requests_total{') &&
        l.includes(`method="${labels.method}"`) &&
        l.includes(`route="${labels.route}"`) &&
        l.includes(`status="${labels.status}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe.each(TEST_TARGETS)('system endpoints on %s', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  it('reports liveness and readiness', async () => {
    const health = await h.client().get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await h.client().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: true, jobs: true } });
  });

  it('counts requests by route pattern, never by raw path', async () => {
    const t = await h.tenant('metrics');
    const metricsText = async () => {
      const res = await h.client().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      return res.text;
    };
    const before = requestCount(await metricsText(), { method: 'GET', route: '/api/v1/me', status: '200' });
    expect((await t.http.get('/api/v1/me')).status).toBe(200);
    expect((await t.http.get('/api/v1/me')).status).toBe(200);
    expect((await t.http.get(`/api/v1/workspaces/${t.workspaceId}`)).status).toBe(200);
    expect((await h.client().get('/api/v1/me')).status).toBe(401);
    expect((await h.client().get(`/api/v1/nope/${t.workspaceId}`)).status).toBe(404);

    const text = await metricsText();
    expect(text).toMatch(/^# HELP chorus_http_requests_total /m);
    expect(text).toMatch(/^# TYPE chorus_http_requests_total counter$/m);
    expect(requestCount(text, { method: 'GET', route: '/api/v1/me', status: '200' })).toBe(before + 2);
    expect(requestCount(text, { method: 'GET', route: '/api/v1/me', status: '401' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      requestCount(text, { method: 'GET', route: '/api/v1/workspaces/:workspaceId', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(requestCount(text, { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(text).toMatch(/chorus_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/me"/);
    expect(text, 'a raw path with an id became a label').not.toContain(t.workspaceId);
    expect(text).not.toMatch(/route="\/api\/v1\/nope/);
    expect(text).toMatch(/^chorus_process_cpu_seconds_total /m);
  });

  it('describes every route in an OpenAPI 3.1 document', async () => {
    // The document names fields such as "password", which the client's leak scanner refuses; it is
    // fetched straight from the app.
    const res = await h.app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('test');

    let operations = 0;
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const label = `${route.method.toUpperCase()} ${route.path}`;
      const op = doc.paths[path]?.[route.method];
      expect(op, `${label} is missing from the OpenAPI document`).toBeDefined();
      operations++;
      expect(op!.summary).toBe(route.summary);
      expect(Object.keys(op!.responses)).toContain(String(route.response.status));

      const pathParams = (route.path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1));
      const documented = (op!.parameters ?? []).filter((p) => p.in === 'path');
      expect(documented.map((p) => p.name).sort(), label).toEqual([...pathParams].sort());
      expect(documented.every((p) => p.required)).toBe(true);

      if (route.auth.kind === 'workspace') {
        expect(op!['x-permission'], label).toBe(route.auth.permission);
        expect(PERMISSION_IDS).toContain(op!['x-permission']);
      } else {
        expect(op!['x-permission'], label).toBeUndefined();
      }
      expect(op!.security.length === 0, label).toBe(route.auth.kind === 'public');

      if (route.body) {
        const schema = op!.requestBody?.content['application/json'].schema;
        expect(schema, `${label} has no request body schema`).toBeDefined();
        expect(op!.requestBody!.required).toBe(true);
        expect(schema!.type, label).toBe('object');
        if (refusesUnknownKeys(route.body)) {
          expect(schema!.additionalProperties, `${label} is strict but its schema is not`).toBe(false);
        }
      } else if (route.rawBody) {
        // A streamed file (an upload): documented as bytes, not JSON.
        expect(Object.keys(op!.requestBody?.content ?? {}), label).toEqual(['application/octet-stream']);
      } else {
        expect(op!.requestBody, label).toBeUndefined();
      }
    }
    const documentedOps = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(documentedOps).toBe(operations);
    expect(operations).toBe(ROUTES.length);

    const login = doc.paths['/api/v1/auth/login']!.post!.requestBody!.content['application/json'].schema;
    expect(login.additionalProperties).toBe(false);
    expect(Object.keys(login.properties ?? {}).sort()).toEqual(['email', 'password']);
    expect([...(login.required ?? [])].sort()).toEqual(['email', 'password']);

    const audit = doc.paths['/api/v1/workspaces/{workspaceId}/audit-events']!.get!;
    expect(audit['x-permission']).toBe('audit.read');
    expect(audit.parameters?.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false });
  });

  it('lists the roles and the permission matrix', async () => {
    const res = await h.client().get('/api/v1/roles');
    expect(res.status).toBe(200);
    expect(res.body.roles).toHaveLength(8);
    expect(res.body.roles.map((r: { id: string }) => r.id)).toEqual([...ROLES]);
    for (const role of res.body.roles as { label: string; description: string }[]) {
      expect(role.label.length).toBeGreaterThan(0);
      expect(role.description.length).toBeGreaterThan(10);
    }
    expect(res.body.permissions.map((p: { id: string }) => p.id)).toEqual(PERMISSION_IDS);
    expect(res.body.matrix).toEqual(
      Object.fromEntries(Object.entries(ROLE_PERMISSIONS).map(([role, list]) => [role, [...list]])),
    );
  });
});

describe.each(TEST_TARGETS)('protected metrics on %s', (target) => {
  let h: Harness;
  const token = 'a-long-metrics-token-123';
  beforeAll(async () => {
    h = await createHarness(target, { env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  it('asks for the metrics token', async () => {
    const none = await h.client().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({
      code: 'unauthenticated',
      message: expect.stringContaining('METRICS_TOKEN'),
    });
    expect(none.text).not.toContain('chorus_http_requests_total');
    for (const authorization of [
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      token,
      `Basic ${token}`,
    ]) {
      const res = await h.client().get('/metrics', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
    }
    expect((await h.client().get('/api/v1/roles')).status).toBe(200);
    const ok = await h.client().get('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('chorus_http_requests_total');
    expect(ok.text).toMatch(/route="\/metrics",status="401"/);
    expect(requestCount(ok.text, { method: 'GET', route: '/api/v1/roles', status: '200' })).toBe(1);
    // Health checks stay open.
    expect((await h.client().get('/healthz')).status).toBe(200);
  });
});
