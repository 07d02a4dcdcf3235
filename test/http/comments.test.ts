import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/** Threaded comments on posts, with mentions told in the app, on both databases. */
describe.each(TEST_TARGETS)('comments on %s', (target) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const SECRET = 'comments-test-secret-0001';

  beforeAll(async () => {
    h = await createHarness(target, { env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    h.secrets.add(SECRET);
    receiver = await startReceiver((_req: ReceivedRequest, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  it('threads comments on a post and on one version, tells the people mentioned, and keeps deleted places', async () => {
    const t = await h.tenant('comments');
    const w = (path: string) => `/api/v1/workspaces/${t.workspaceId}${path}`;
    const channels: string[] = [];
    for (const name of ['a', 'b']) {
      const res = await t.http.post(w('/channels'), {
        network: 'webhook',
        name: `comments-${name}`,
        credential: { url: `${receiver.url}/${name}`, secret: SECRET },
      });
      channels.push(res.body.channel.id);
    }
    const post = (
      await t.http.post(w('/posts'), {
        body: 'Spring menu',
        channels: channels.map((channelId) => ({ channelId })),
      })
    ).body.post;
    const other = (await t.http.post(w('/posts'), { body: 'Other', channels: [{ channelId: channels[0] }] }))
      .body.post;
    const editor = await h.member(t.workspaceId, 'editor');
    const analyst = await h.member(t.workspaceId, 'analyst');
    const stranger = await h.tenant('stranger');

    const first = await t.http.post(w(`/posts/${post.id}/comments`), {
      body: '@Editor please check the price',
      mentions: [editor.user.id, t.user.id],
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body.comment).toMatchObject({
      parentId: null,
      channelId: null,
      authorName: 'comments name',
    });
    // The editor is told; the author, who mentioned themselves, is not.
    const editorNotices = (await editor.http.get('/api/v1/notifications')).body.notifications;
    expect(editorNotices).toMatchObject([
      {
        type: 'post.mentioned',
        title: 'comments name mentioned you in a comment',
        body: '@Editor please check the price',
        link: `/w/${t.workspaceId}/posts/${post.id}`,
      },
    ]);
    expect((await t.http.get('/api/v1/notifications')).body.notifications).toHaveLength(0);

    const onVersion = await editor.http.post(w(`/posts/${post.id}/comments`), {
      body: 'Version B is too long',
      channelId: channels[1],
    });
    expect(onVersion.status, onVersion.text).toBe(201);
    const reply = await t.http.post(w(`/posts/${post.id}/comments`), {
      body: 'Shortened it',
      parentId: onVersion.body.comment.id,
    });
    expect(reply.body.comment).toMatchObject({ parentId: onVersion.body.comment.id, channelId: channels[1] });

    // Refusals, each saying what was wrong.
    const bad = async (body: Record<string, unknown>, status: number, text: string) => {
      const res = await t.http.post(w(`/posts/${post.id}/comments`), body);
      expect(res.status, res.text).toBe(status);
      expect(res.body.error.message).toContain(text);
    };
    await bad({ body: '   ' }, 400, 'body is empty');
    await bad({ body: 'x', mentions: [stranger.user.id] }, 400, 'cannot see this post');
    await bad(
      { body: 'x', channelId: '0190f0f0-0000-7000-8000-000000000000' },
      400,
      'not a channel of this post',
    );
    const elsewhere = await t.http.post(w(`/posts/${other.id}/comments`), { body: 'On the other post' });
    await bad({ body: 'x', parentId: elsewhere.body.comment.id }, 400, 'not a comment on this post');

    // Only the author edits; newly mentioned people are told, the others not again.
    const byOther = await editor.http.patch(w(`/comments/${first.body.comment.id}`), { body: 'Hijacked' });
    expect(byOther.status).toBe(403);
    const edited = await t.http.patch(w(`/comments/${first.body.comment.id}`), {
      body: '@Editor @Analyst please check the price',
      mentions: [editor.user.id, analyst.user.id],
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.comment.editedAt).not.toBeNull();
    expect((await analyst.http.get('/api/v1/notifications')).body.notifications).toHaveLength(1);
    expect((await editor.http.get('/api/v1/notifications')).body.notifications).toHaveLength(1);

    // The analyst may comment but not delete someone else's comment; the owner (who may publish) may.
    expect((await analyst.http.delete(w(`/comments/${onVersion.body.comment.id}`))).status).toBe(403);
    expect((await t.http.delete(w(`/comments/${onVersion.body.comment.id}`))).status).toBe(204);
    const list = (await analyst.http.get(w(`/posts/${post.id}/comments`))).body.comments;
    expect(list.map((c: { body: string; deleted: boolean }) => [c.body, c.deleted])).toEqual([
      ['@Editor @Analyst please check the price', false],
      ['', true],
      ['Shortened it', false],
    ]);
    await bad({ body: 'x', parentId: onVersion.body.comment.id }, 409, 'was deleted');
    expect((await t.http.delete(w(`/comments/${onVersion.body.comment.id}`))).status).toBe(404);

    // Another tenant sees nothing of it.
    const theirs = await stranger.http.get(w(`/posts/${post.id}/comments`));
    expect(theirs.status).toBe(404);
  });

  it("keeps a post's history: created, edited with what changed, commented, published on each channel", async () => {
    const t = await h.tenant('history');
    const w = (path: string) => `/api/v1/workspaces/${t.workspaceId}${path}`;
    const channels: string[] = [];
    for (const name of ['a', 'b']) {
      const res = await t.http.post(w('/channels'), {
        network: 'webhook',
        name: `history-${name}`,
        credential: { url: `${receiver.url}/h-${name}`, secret: SECRET },
      });
      channels.push(res.body.channel.id);
    }
    const [a, b] = channels as [string, string];
    const draft = (await t.http.post(w('/posts'), { body: 'Draft text', channels: [{ channelId: a }] })).body
      .post;
    const edited = await t.http.patch(w(`/posts/${draft.id}`), {
      body: 'Final text',
      channels: [{ channelId: a }, { channelId: b, body: 'Text for B' }],
      tags: ['launch'],
      schedule: { at: 'now' },
    });
    expect(edited.status, edited.text).toBe(200);
    await t.http.post(w(`/posts/${draft.id}/comments`), { body: 'Looks good' });
    h.queuedJobs.splice(0);
    for (const d of edited.body.post.deliveries) {
      expect(await h.services.deliveryEngine.run(d.id)).toBe('published');
    }
    const res = await t.http.get(w(`/posts/${draft.id}/activity`));
    expect(res.status, res.text).toBe(200);
    const activity = res.body.activity as {
      kind: string;
      changes?: Record<string, unknown>;
      channelId: string | null;
    }[];
    expect(activity.map((e) => e.kind)).toEqual([
      'post.created',
      'post.updated',
      'comment.created',
      'delivery.published',
      'delivery.published',
    ]);
    expect(activity[1]!.changes).toMatchObject({
      body: { from: 'Draft text', to: 'Final text' },
      [`channel:${b}`]: { from: null, to: 'added' },
      scheduledAt: { from: null, to: expect.any(String) },
      tags: { from: [], to: ['launch'] },
    });
    expect(
      activity
        .slice(3)
        .map((e) => e.channelId)
        .sort(),
    ).toEqual([a, b].sort());
    expect(activity[0]).toMatchObject({ actorName: 'history name', summary: 'Created the post' });
  });
});
