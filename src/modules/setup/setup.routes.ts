import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { SessionResponse, toUserDto } from '../../http/dto.js';

export const OwnerBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  password: z.string().max(1024),
  organizationName: z.string().trim().min(1).max(200),
  workspaceName: z.string().trim().min(1).max(200),
  timezone: z.string().max(100).optional(),
});

export const setupRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/setup',
    summary: 'Whether this instance still needs its first user',
    tag: 'setup',
    auth: { kind: 'public' },
    response: { status: 200, schema: z.object({ needsSetup: z.boolean() }) },
    async handler({ services }) {
      return { needsSetup: await services.setup.needsSetup() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/setup',
    summary:
      'First run: create the owner, organization and first workspace (only when no one has set up yet)',
    tag: 'setup',
    auth: { kind: 'public' },
    body: OwnerBody,
    response: { status: 201, schema: SessionResponse },
    async handler({ body, services, actor, session }) {
      const { user } = await services.setup.completeFirstRun(
        { ...body, timezone: body.timezone ?? 'UTC' },
        actor,
      );
      const s = await services.auth.startSession(user.id, actor);
      session.start(s);
      return { user: toUserDto(user), csrfToken: s.csrfToken };
    },
  }),
];
