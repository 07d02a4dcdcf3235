import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { SessionResponse, UserDto, WorkspaceDto, toUserDto, toWorkspaceDto } from '../../http/dto.js';
import { AppError } from '../../core/errors.js';

const Credentials = z.strictObject({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in with e-mail and password; sets the session cookie',
    tag: 'auth',
    auth: { kind: 'public' },
    body: Credentials,
    response: { status: 200, schema: SessionResponse },
    async handler({ body, services, actor, session }) {
      const { user, session: s } = await services.auth.login(body.email, body.password, actor);
      session.start(s);
      return { user: toUserDto(user), csrfToken: s.csrfToken };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'End the current browser session',
    tag: 'auth',
    auth: { kind: 'session' },
    response: { status: 204 },
    async handler({ principal, services, actor, session }) {
      if (principal.kind !== 'session')
        throw new AppError('forbidden', 'Only a browser session can log out.');
      await services.auth.logout(principal, actor);
      session.clear();
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in user, their organizations and workspaces (with role and permissions)',
    tag: 'auth',
    auth: { kind: 'user' },
    response: {
      status: 200,
      schema: z.object({
        user: UserDto,
        csrfToken: z.string().nullable(),
        organizations: z.array(z.object({ id: z.uuid(), name: z.string(), role: z.string() })),
        workspaces: z.array(WorkspaceDto),
      }),
    },
    async handler({ principal, services }) {
      const user = await services.users.findById(principal.userId);
      if (!user) throw new AppError('unauthenticated', 'Your account no longer exists.');
      const orgs = await services.organizations.membershipsOf(user.id);
      let workspaces = await services.workspaces.listFor(user.id);
      if (principal.kind === 'token') {
        workspaces = workspaces
          .filter((w) => principal.workspaceIds.includes(w.workspace.id))
          .map((w) => ({
            ...w,
            permissions: w.permissions.filter((p) => principal.permissions.includes(p)),
          }));
      }
      return {
        user: toUserDto(user),
        csrfToken: principal.kind === 'session' ? principal.csrfToken : null,
        organizations: orgs.map((o) => ({ id: o.organizationId, name: o.organizationName, role: o.role })),
        workspaces: workspaces.map(toWorkspaceDto),
      };
    },
  }),
];
