import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes.js';
import type { RouteDefinition } from '../../src/http/route.js';
import { PERMISSION_IDS } from '../../src/modules/members/permissions.js';
import { TEST_TARGETS } from '../support/databases.js';
import { startReceiver } from '../support/receiver.js';
import { image } from '../support/media-files.js';
import { CapturingMailer, createHarness, PASSWORD, type Harness } from '../support/harness.js';

/**
 * Walks EVERY registered route as a user of tenant A (an owner, holding every permission in A) while
 * naming tenant B's objects, through a session and through an all-permission API token. Zero successes are
 * allowed. A new route with a new path parameter or body fails this test until it gets a sample here,
 * so nothing is added without being walked.
 */
type Ids = {
  organizationId: string;
  workspaceId: string;
  userId: string;
  memberUserId: string;
  invitationId: string;
  tokenId: string;
  channelId: string;
  postId: string;
  deliveryId: string;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  notificationId: string;
  categoryId: string;
  noteId: string;
  /** Not B's feed secret: a feed address is its own credential, so the walk asks for one that is not. */
  calendarFeedFile: string;
  feedId: string;
  mediaId: string;
  importId: string;
  commentId: string;
  workflowId: string;
  requestId: string;
  linkId: string;
  /** Not B's link: a link's token is its own credential, so the walk uses one that is not. */
  approvalToken: string;
};

const PARAM_SOURCES: Record<string, keyof Ids> = {
  workspaceId: 'workspaceId',
  userId: 'memberUserId',
  invitationId: 'invitationId',
  tokenId: 'tokenId',
  channelId: 'channelId',
  postId: 'postId',
  deliveryId: 'deliveryId',
  endpointId: 'webhookEndpointId',
  webhookDeliveryId: 'webhookDeliveryId',
  categoryId: 'categoryId',
  noteId: 'noteId',
  file: 'calendarFeedFile',
  commentId: 'commentId',
  feedId: 'feedId',
  mediaId: 'mediaId',
  importId: 'importId',
  workflowId: 'workflowId',
  requestId: 'requestId',
  linkId: 'linkId',
  token: 'approvalToken',
  assetId: 'mediaId',
};

/** Valid bodies that name the other tenant's objects where the body can. */
let webhookCredential: { url: string; secret: string };
let feedUrl: string;

function sampleBody(route: RouteDefinition, b: Ids): unknown {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  const samples: Record<string, unknown> = {
    'POST /api/v1/setup': {
      name: 'X',
      email: 'x@example.test',
      password: PASSWORD,
      organizationName: 'X',
      workspaceName: 'X',
    },
    'POST /api/v1/auth/login': { email: 'nobody@example.test', password: 'wrong wrong wrong' },
    'POST /api/v1/workspaces': { organizationId: b.organizationId, name: 'Intruder', timezone: 'UTC' },
    'PATCH /api/v1/workspaces/:workspaceId': { name: 'Renamed by intruder' },
    'PATCH /api/v1/workspaces/:workspaceId/members/:userId': { role: 'admin' },
    'POST /api/v1/workspaces/:workspaceId/invitations': { email: 'intruder@example.test', role: 'admin' },
    'POST /api/v1/invitations/preview': { token: 'not-a-real-invitation-token' },
    'POST /api/v1/invitations/accept': {
      token: 'not-a-real-invitation-token',
      name: 'X',
      password: PASSWORD,
    },
    'POST /api/v1/workspaces/:workspaceId/channels': { network: 'webhook', credential: webhookCredential },
    'PUT /api/v1/workspaces/:workspaceId/channels/:channelId/credential': { credential: webhookCredential },
    'POST /api/v1/workspaces/:workspaceId/channels/oauth': {
      network: 'mastodon',
      channelId: b.channelId,
      fields: { instance: 'https://mastodon.example' },
    },
    'POST /api/v1/oauth/complete': { state: 'not-a-real-oauth-state', code: 'not-a-real-code' },
    'POST /api/v1/workspaces/:workspaceId/posts': {
      body: 'Intruder post',
      channels: [{ channelId: b.channelId }],
      schedule: { at: 'now' },
    },
    'PATCH /api/v1/workspaces/:workspaceId/posts/:postId': { body: 'Defaced' },
    'POST /api/v1/workspaces/:workspaceId/posts/validate': {
      body: 'Intruder post',
      channels: [{ channelId: b.channelId }],
    },
    'POST /api/v1/workspaces/:workspaceId/deliveries/:deliveryId/resolve': { as: 'published' },
    'POST /api/v1/workspaces/:workspaceId/deliveries/:deliveryId/reschedule': { at: '2030-01-01T00:00:00Z' },
    'POST /api/v1/workspaces/:workspaceId/categories': { name: 'Intruder' },
    'POST /api/v1/workspaces/:workspaceId/posts/:postId/comments': { body: 'Intruder comment' },
    'PATCH /api/v1/workspaces/:workspaceId/comments/:commentId': { body: 'Defaced' },
    'PATCH /api/v1/workspaces/:workspaceId/categories/:categoryId': { name: 'Defaced', evergreen: true },
    'POST /api/v1/workspaces/:workspaceId/calendar/notes': { startsOn: '2030-01-01', title: 'Intruder' },
    'PUT /api/v1/workspaces/:workspaceId/calendar/notes/:noteId': {
      startsOn: '2030-01-01',
      title: 'Defaced',
    },
    'PUT /api/v1/workspaces/:workspaceId/channels/:channelId/queue': {
      slots: [{ weekday: 1, time: '09:00' }],
      recalculate: true,
    },
    'POST /api/v1/workspaces/:workspaceId/publishing/pause': { channelId: b.channelId },
    'POST /api/v1/workspaces/:workspaceId/publishing/resume': { channelId: b.channelId, mode: 'send_now' },
    'POST /api/v1/workspaces/:workspaceId/webhooks': {
      url: webhookCredential.url,
      events: ['delivery.published'],
    },
    'PATCH /api/v1/workspaces/:workspaceId/webhooks/:endpointId': {
      url: webhookCredential.url,
      description: 'Changed by intruder',
      events: ['delivery.failed'],
      enabled: false,
    },
    'POST /api/v1/workspaces/:workspaceId/feeds': {
      url: `${feedUrl}?intruder`,
      channelIds: [b.channelId],
      target: 'draft',
    },
    'POST /api/v1/workspaces/:workspaceId/feeds/preview': { url: feedUrl, channelIds: [b.channelId] },
    'PATCH /api/v1/workspaces/:workspaceId/feeds/:feedId': {
      channelIds: [b.channelId],
      template: 'Defaced {link}',
      active: false,
    },
    'POST /api/v1/notifications/read': { all: true, workspaceId: b.workspaceId },
    'POST /api/v1/workspaces/:workspaceId/media/import': { url: `${webhookCredential.url}.png` },
    'POST /api/v1/workspaces/:workspaceId/media/check': {
      channels: [{ channelId: b.channelId, media: [{ assetId: b.mediaId }] }],
    },
    'PATCH /api/v1/workspaces/:workspaceId/media/:mediaId': { alt: 'Defaced', tags: ['intruder'] },
    'POST /api/v1/workspaces/:workspaceId/imports': {
      fileName: 'intruder.csv',
      csv: `channel,text\n${b.channelId},Intruder post\n`,
    },
    'POST /api/v1/workspaces/:workspaceId/approval-workflows': {
      name: 'Intruder',
      channelIds: [b.channelId],
      steps: [{ name: 'Me', approvers: [{ type: 'email', email: 'intruder@example.test' }] }],
    },
    'PATCH /api/v1/workspaces/:workspaceId/approval-workflows/:workflowId': { name: 'Defaced' },
    'POST /api/v1/workspaces/:workspaceId/posts/:postId/approval/submit': { note: 'Intruder' },
    'POST /api/v1/workspaces/:workspaceId/approval-requests/:requestId/decisions': {
      decision: 'approve',
      contentHash: 'x',
    },
    'POST /api/v1/workspaces/:workspaceId/approval-links': {
      email: 'intruder@example.test',
      requestIds: [b.requestId],
    },
    'POST /api/v1/approval-links/:token/decisions': {
      requestId: b.requestId,
      decision: 'approve',
      contentHash: 'x',
    },
    'POST /api/v1/approval-links/:token/comments': { requestId: b.requestId, body: 'Intruder' },
    'POST /api/v1/tokens': { name: 'stolen', workspaceIds: [b.workspaceId], permissions: ['workspace.read'] },
  };
  if (!route.body) return undefined;
  if (!(key in samples)) throw new Error(`No sample body for ${key}: add one to tenant-isolation.test.ts`);
  return samples[key];
}

describe.each(TEST_TARGETS)('tenant isolation on %s', (target) => {
  let h: Harness;
  let a: Awaited<ReturnType<Harness['tenant']>>;
  let b: Awaited<ReturnType<Harness['tenant']>>;
  let bIds: Ids;
  let aToken: string;
  let bToken: string;
  const mailer = new CapturingMailer();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    h = await createHarness(target, { mailer, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    receiver = await startReceiver((req, res) => {
      if (!req.path.startsWith('/feed.xml')) return void res.end('{}');
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(
        '<rss version="2.0"><channel><title>B news</title><item><title>One</title><link>https://b.example/1</link></item></channel></rss>',
      );
    });
    webhookCredential = { url: `${receiver.url}/hook`, secret: 'isolation-test-secret-000' };
    feedUrl = `${receiver.url}/feed.xml`;
    a = await h.tenant('alpha');
    b = await h.tenant('beta');
    const bMember = await h.member(b.workspaceId, 'editor', 'beta-editor');
    const inv = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/invitations`, {
      email: 'pending@example.test',
      role: 'analyst',
    });
    expect(inv.status).toBe(201);
    const bt = await b.http.post('/api/v1/tokens', {
      name: 'b',
      workspaceIds: [b.workspaceId],
      permissions: PERMISSION_IDS,
    });
    expect(bt.status).toBe(201);
    bToken = bt.body.secret;
    const at = await a.http.post('/api/v1/tokens', {
      name: 'a',
      workspaceIds: [a.workspaceId],
      permissions: PERMISSION_IDS,
    });
    expect(at.status).toBe(201);
    aToken = at.body.secret;
    const channel = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/channels`, {
      network: 'webhook',
      name: 'B hook',
      credential: webhookCredential,
    });
    expect(channel.status, channel.text).toBe(201);
    const post = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/posts`, {
      body: 'B post',
      channels: [{ channelId: channel.body.channel.id }],
      schedule: { at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(post.status, post.text).toBe(201);
    const endpoint = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/webhooks`, {
      url: `${receiver.url}/b-events`,
      description: 'B endpoint',
      events: ['delivery.published'],
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    h.secrets.add(endpoint.body.secret);
    const ping = await b.http.post(
      `/api/v1/workspaces/${b.workspaceId}/webhooks/${endpoint.body.endpoint.id}/test`,
    );
    expect(ping.status, ping.text).toBe(201);
    await h.services.notifications.notify([b.user.id], {
      workspaceId: b.workspaceId,
      type: 'delivery.failed',
      title: 'B notice',
      body: 'B post failed',
      link: `/w/${b.workspaceId}/posts/${post.body.post.id}`,
      subjectId: post.body.post.deliveries[0].id,
    });
    const comment = await b.http.post(
      `/api/v1/workspaces/${b.workspaceId}/posts/${post.body.post.id}/comments`,
      { body: 'B comment' },
    );
    expect(comment.status, comment.text).toBe(201);
    const category = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/categories`, { name: 'B tips' });
    expect(category.status, category.text).toBe(201);
    const note = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/calendar/notes`, {
      startsOn: '2030-01-01',
      title: 'B launch',
    });
    expect(note.status, note.text).toBe(201);
    const queue = await b.http.put(
      `/api/v1/workspaces/${b.workspaceId}/channels/${channel.body.channel.id}/queue`,
      {
        slots: [{ weekday: 3, time: '10:00' }],
      },
    );
    expect(queue.status, queue.text).toBe(200);
    expect((await b.http.post(`/api/v1/workspaces/${b.workspaceId}/calendar/feed`)).status).toBe(201);
    const imported = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/imports`, {
      fileName: 'b.csv',
      csv: `channel,text\n${channel.body.channel.id},B import\n`,
    });
    expect(imported.status, imported.text).toBe(201);
    const notifications = await b.http.get('/api/v1/notifications');
    expect(notifications.body.notifications).toHaveLength(1);
    const feed = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/feeds`, {
      url: feedUrl,
      channelIds: [channel.body.channel.id],
      target: 'draft',
    });
    expect(feed.status, feed.text).toBe(201);
    const media = await b.http.raw('POST', `/api/v1/workspaces/${b.workspaceId}/media?filename=b.png&alt=B`, {
      body: await image('png'),
    });
    expect(media.status, media.text).toBe(201);
    const workflow = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/approval-workflows`, {
      name: 'B review',
      steps: [{ name: 'Client', approvers: [{ type: 'email', email: 'client@b.example' }] }],
    });
    expect(workflow.status, workflow.text).toBe(201);
    const submitted = await b.http.post(
      `/api/v1/workspaces/${b.workspaceId}/posts/${post.body.post.id}/approval/submit`,
      {},
    );
    expect(submitted.status, submitted.text).toBe(201);
    const link = await b.http.post(`/api/v1/workspaces/${b.workspaceId}/approval-links`, {
      email: 'client@b.example',
      requestIds: [submitted.body.request.id],
    });
    expect(link.status, link.text).toBe(201);
    bIds = {
      organizationId: b.organizationId,
      workspaceId: b.workspaceId,
      userId: b.user.id,
      memberUserId: bMember.user.id,
      invitationId: inv.body.invitation.id,
      tokenId: bt.body.token.id,
      channelId: channel.body.channel.id,
      postId: post.body.post.id,
      deliveryId: post.body.post.deliveries[0].id,
      webhookEndpointId: endpoint.body.endpoint.id,
      webhookDeliveryId: ping.body.delivery.id,
      notificationId: notifications.body.notifications[0].id,
      categoryId: category.body.category.id,
      noteId: note.body.note.id,
      calendarFeedFile: 'not-the-feed-secret-of-b-000000.ics',
      commentId: comment.body.comment.id,
      feedId: feed.body.feed.id,
      mediaId: media.body.asset.id,
      importId: imported.body.import.id,
      workflowId: workflow.body.workflow.id,
      requestId: submitted.body.request.id,
      linkId: link.body.link.id,
      approvalToken: 'not-a-valid-approval-link-token',
    };
  });

  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  it('covers every route in the table', () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(20);
    for (const route of ROUTES) {
      for (const name of route.path.match(/:(\w+)/g) ?? []) {
        expect(PARAM_SOURCES, `add an id source for ${name} in ${route.path}`).toHaveProperty(name.slice(1));
      }
    }
  });

  for (const as of ['session', 'token'] as const) {
    it(`gives tenant A's ${as} zero successes on tenant B's objects`, async () => {
      const client = h.client();
      if (as === 'session') await client.login(a.email);
      else client.useToken(aToken);
      const walked: string[] = [];
      for (const route of ROUTES) {
        const names = (route.path.match(/:(\w+)/g) ?? []).map((n) => n.slice(1));
        const path = route.path.replace(/:(\w+)/g, (_, n: string) => bIds[PARAM_SOURCES[n]!]);
        const body = sampleBody(route, bIds);
        const res = await client.raw(
          route.method.toUpperCase(),
          path,
          body === undefined ? {} : { json: body },
        );
        const label = `${route.method.toUpperCase()} ${route.path} as ${as}`;
        expect(res.status, `${label} → ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
        const namesOtherTenant =
          names.length > 0 ||
          JSON.stringify(body ?? {}).includes(b.workspaceId) ||
          JSON.stringify(body ?? {}).includes(b.organizationId);
        if (namesOtherTenant) {
          expect(
            res.status,
            `${label} succeeded on another tenant's ids: ${res.text.slice(0, 200)}`,
          ).toBeGreaterThanOrEqual(400);
        }
        if (res.status < 300) {
          for (const id of Object.values(bIds))
            expect(res.text, `${label} revealed tenant B's id`).not.toContain(id);
        }
        walked.push(label);
      }
      expect(walked).toHaveLength(ROUTES.length);
    });
  }

  it("leaves tenant B's data untouched", async () => {
    const members = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/members`);
    expect(members.body.members.find((m: { userId: string }) => m.userId === bIds.memberUserId)?.role).toBe(
      'editor',
    );
    const invitations = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/invitations`);
    expect(invitations.body.invitations.map((i: { id: string }) => i.id)).toContain(bIds.invitationId);
    const ws = await b.http.get(`/api/v1/workspaces/${b.workspaceId}`);
    expect(ws.body.workspace.name).toBe('beta workspace');
    const bClient = h.client();
    bClient.useToken(bToken);
    expect((await bClient.get('/api/v1/me')).status).toBe(200);
    const me = await b.http.get('/api/v1/me');
    expect(me.body.workspaces.map((w: { name: string }) => w.name)).not.toContain('Intruder');
    const channels = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/channels`);
    expect(channels.body.channels).toMatchObject([
      { id: bIds.channelId, status: 'connected', name: 'B hook' },
    ]);
    const posts = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/posts`);
    expect(posts.body.posts).toMatchObject([
      { id: bIds.postId, body: 'B post', deliveries: [{ id: bIds.deliveryId, state: 'scheduled' }] },
    ]);
    const publishing = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/publishing`);
    expect(publishing.body.pauses).toEqual([]);
    const endpoints = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/webhooks`);
    expect(endpoints.body.endpoints).toMatchObject([
      {
        id: bIds.webhookEndpointId,
        description: 'B endpoint',
        enabled: true,
        events: ['delivery.published'],
        url: `${receiver.url}/b-events`,
      },
    ]);
    const log = await b.http.get(
      `/api/v1/workspaces/${b.workspaceId}/webhooks/${bIds.webhookEndpointId}/deliveries`,
    );
    expect(log.body.deliveries).toMatchObject([
      { id: bIds.webhookDeliveryId, status: 'pending', attemptCount: 0 },
    ]);
    const approval = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/posts/${bIds.postId}/approval`);
    expect(approval.body).toMatchObject({
      state: 'pending',
      request: { id: bIds.requestId, state: 'pending', decisions: [], note: null },
    });
    const workflows = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/approval-workflows`);
    expect(workflows.body.workflows).toMatchObject([{ id: bIds.workflowId, name: 'B review' }]);
    const links = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/approval-links`);
    expect(links.body.links.find((l: { id: string }) => l.id === bIds.linkId)).toMatchObject({
      revokedAt: null,
    });
    const comments = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/posts/${bIds.postId}/comments`);
    expect(comments.body.comments).toMatchObject([{ id: bIds.commentId, body: 'B comment', deleted: false }]);
    const categories = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/categories`);
    expect(categories.body.categories).toMatchObject([
      { id: bIds.categoryId, name: 'B tips', evergreen: false },
    ]);
    const queue = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/channels/${bIds.channelId}/queue`);
    expect(queue.body.queue).toMatchObject({ paused: false, slots: [{ weekday: 3, time: '10:00' }] });
    const calendar = await b.http.get(
      `/api/v1/workspaces/${b.workspaceId}/calendar?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`,
    );
    expect(calendar.body.notes).toMatchObject([{ id: bIds.noteId, title: 'B launch' }]);
    const notifications = await b.http.get('/api/v1/notifications');
    expect(notifications.body.notifications).toMatchObject([{ id: bIds.notificationId, readAt: null }]);
    const feeds = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/feeds`);
    expect(feeds.body.feeds).toMatchObject([
      {
        id: bIds.feedId,
        url: feedUrl,
        active: true,
        channelIds: [bIds.channelId],
        template: '{title}\n\n{link}',
      },
    ]);
    const media = await b.http.get(`/api/v1/workspaces/${b.workspaceId}/media`);
    expect(media.body.assets).toMatchObject([{ id: bIds.mediaId, alt: 'B', tags: [] }]);
    expect((await b.http.get(media.body.assets[0].fileUrl)).status).toBe(200);
  });
});
