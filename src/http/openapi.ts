import { z } from 'zod';
import type { RouteDefinition } from './route.js';

const ErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

const schemaOf = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });

/** OpenAPI 3.1 generated from the route table, so the document cannot drift from what the server validates. */
export function buildOpenApi(routes: readonly RouteDefinition[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      for (const [name, field] of Object.entries(schema.shape)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
          schema: schemaOf(field as z.ZodType, 'input'),
        });
      }
    }
    const security =
      r.auth.kind === 'public'
        ? []
        : r.auth.kind === 'session'
          ? [{ session: [] }]
          : [{ session: [] }, { bearer: [] }];
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:{}-](\w)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security,
      ...(r.auth.kind === 'workspace' ? { 'x-permission': r.auth.permission } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
            },
          }
        : {}),
      ...(r.rawBody
        ? {
            requestBody: {
              required: true,
              description: r.rawBody.description,
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
          }
        : {}),
      responses: {
        [String(r.response.status)]: {
          description: r.response.file?.description ?? 'Success',
          ...(r.response.schema
            ? { content: { 'application/json': { schema: schemaOf(r.response.schema, 'output') } } }
            : {}),
          ...(r.response.file
            ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
            : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: ErrorSchema } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chorus API',
      version,
      description:
        'Authenticate with the browser session cookie (mutations need the X-CSRF-Token header) or with a personal API token as `Authorization: Bearer chorus_pat_…`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'chorus_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}
