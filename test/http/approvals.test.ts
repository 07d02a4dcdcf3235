import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { CapturingMailer, createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

const DAY = 86_400_000;

/** Approval workflows, requests, decisions, links for approvers without an account, and expiry, on both databases. */
describe.each(TEST_TARGETS)('approvals on %s', (target) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clock = new ManualClock(new Date());
  /** The real harness mailer, which can be made to fail like a mail server that is down. */
  const mailer = new (class extends CapturingMailer {
    down = false;
    override async send(m: Parameters<CapturingMailer['send']>[0]): Promise<void> {
      if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      return super.send(m);
    }
  })();
  const SECRET = 'approvals-test-secret-0001';

  beforeAll(async () => {
    h = await createHarness(target, {
      clock,
      mailer,
      env: { EGRESS_ALLOW_PRIVATE: 'true', SESSION_IDLE_MINUTES: String(60 * 24 * 30) },
    });
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

  async function setup(label: string) {
    const t = await h.tenant(label);
    const w = (path: string) => `/api/v1/workspaces/${t.workspaceId}${path}`;
    const res = await t.http.post(w('/channels'), {
      network: 'webhook',
      name: `${label}-hook`,
      credential: { url: `${receiver.url}/${label}`, secret: SECRET },
    });
    expect(res.status, res.text).toBe(201);
    const channelId: string = res.body.channel.id;
    const editor = await h.member(t.workspaceId, 'editor', `${label}-editor`);
    const manager = await h.member(t.workspaceId, 'manager', `${label}-manager`);
    return { t, w, channelId, editor, manager };
  }

  const notices = async (who: { http: Harness['client'] extends () => infer C ? C : never }, type: string) =>
    (
      (await who.http.get('/api/v1/notifications')).body.notifications as {
        type: string;
        title: string;
        body: string;
      }[]
    ).filter((n) => n.type === type);

  const published = (label: string) =>
    receiver.requests.filter((r) => r.path === `/${label}` && !r.body.includes('"ping"')).map((r) => r.body);

  it('refuses workflows that cannot work, saying where, and keeps them in order', async () => {
    const { t, w, channelId, editor } = await setup('wf');
    const other = await h.tenant('wf-other');
    const bad = await t.http.post(w('/approval-workflows'), {
      name: 'Bad',
      channelIds: [channelId, other.workspaceId],
      steps: [
        {
          name: 'Editors',
          approvers: [
            { type: 'role', role: 'editor' },
            { type: 'user', userId: other.user.id },
          ],
          checklist: ['Links work', 'Links work'],
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([
      { path: 'body.channelIds.1', message: expect.stringContaining('not a channel of this workspace') },
      {
        path: 'body.steps.0.approvers.0',
        message: expect.stringContaining('editor role cannot approve posts'),
      },
      {
        path: 'body.steps.0.approvers.1',
        message: expect.stringContaining('not a member of this workspace'),
      },
      { path: 'body.steps.0.checklist.1', message: '"Links work" is in the checklist twice.' },
    ]);
    const empty = await t.http.post(w('/approval-workflows'), { name: 'Empty', steps: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('A workflow needs at least one step.');
    // Only people who manage the workspace change workflows.
    expect((await editor.http.post(w('/approval-workflows'), { name: 'X', steps: [] })).status).toBe(403);

    const first = await t.http.post(w('/approval-workflows'), {
      name: 'Brand',
      steps: [{ name: 'Head', approvers: [{ type: 'role', role: 'manager' }] }],
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body.workflow).toMatchObject({
      position: 0,
      channelIds: [],
      requiredFor: [],
      onExpiry: 'hold',
      approvalValidDays: null,
      steps: [{ name: 'Head', rule: 'any', checklist: [] }],
    });
    const second = await t.http.post(w('/approval-workflows'), {
      name: 'Legal',
      channelIds: [channelId],
      steps: [{ name: 'Legal', rule: 'all', approvers: [{ type: 'email', email: 'Legal@Example.com' }] }],
    });
    expect(second.body.workflow).toMatchObject({
      position: 1,
      steps: [{ approvers: [{ email: 'legal@example.com' }] }],
    });
    const moved = await t.http.patch(w(`/approval-workflows/${second.body.workflow.id}`), { position: -1 });
    expect(moved.status).toBe(400);
    await t.http.patch(w(`/approval-workflows/${first.body.workflow.id}`), { position: 5 });
    const list = (await t.http.get(w('/approval-workflows'))).body.workflows;
    expect(list.map((x: { name: string }) => x.name)).toEqual(['Legal', 'Brand']);
    expect((await t.http.delete(w(`/approval-workflows/${second.body.workflow.id}`))).status).toBe(204);
    expect((await t.http.get(w('/approval-workflows'))).body.workflows).toHaveLength(1);
    expect((await t.http.delete(w(`/approval-workflows/${second.body.workflow.id}`))).status).toBe(404);
  });

  it('editor submits, manager rejects with a note, editor fixes and resubmits, manager approves, it publishes', async () => {
    const { t, w, channelId, editor, manager } = await setup('flow');
    const at = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const created = await editor.http.post(w('/posts'), {
      body: 'Spring menu: 3 new dishes',
      channels: [{ channelId }],
      schedule: { at },
    });
    expect(created.status, created.text).toBe(201);
    const post = created.body.post;
    expect(post).toMatchObject({ approved: false, approval: { state: 'required' } });
    expect((await editor.http.get(w(`/posts/${post.id}/approval`))).body).toMatchObject({
      state: 'required',
      workflow: { id: null, name: 'Default approval' },
      request: null,
      canSubmit: true,
    });

    const submitted = await editor.http.post(w(`/posts/${post.id}/approval/submit`), { note: 'For Friday' });
    expect(submitted.status, submitted.text).toBe(201);
    const first = submitted.body.request;
    expect(first).toMatchObject({
      state: 'pending',
      currentStep: 0,
      note: 'For Friday',
      diff: [],
      canDecide: false,
      snapshot: {
        body: 'Spring menu: 3 new dishes',
        channels: [{ channelId, text: 'Spring menu: 3 new dishes' }],
      },
      steps: [{ name: 'Approval', state: 'current' }],
    });
    expect(first.waitingFor.map((x: { label: string }) => x.label).sort()).toEqual([
      'flow name',
      'flow-manager name',
    ]);
    expect((await editor.http.post(w(`/posts/${post.id}/approval/submit`), {})).status).toBe(409);
    // The manager is told, and sees it waiting for them; the editor sees it as theirs.
    expect(await notices(manager, 'approval.requested')).toMatchObject([
      { title: 'Waiting for your approval: “Spring menu: 3 new dishes”' },
    ]);
    expect((await manager.http.get(w('/approval-requests/count'))).body).toEqual({ mine: 1 });
    expect((await editor.http.get(w('/approval-requests/count'))).body).toEqual({ mine: 0 });
    const mine = (await manager.http.get(w('/approval-requests?view=mine'))).body.requests;
    expect(mine).toMatchObject([{ id: first.id, canDecide: true }]);
    expect((await editor.http.get(w('/approval-requests?view=mine'))).body.requests).toEqual([]);
    expect((await editor.http.get(w('/approval-requests?view=others'))).body.requests).toMatchObject([
      { id: first.id },
    ]);
    expect((await editor.http.get(w('/approval-requests?view=submitted'))).body.requests).toMatchObject([
      { id: first.id },
    ]);

    const decide = (who: typeof manager, id: string, body: Record<string, unknown>) =>
      who.http.post(w(`/approval-requests/${id}/decisions`), body);
    // The author may not decide; a rejection needs a note; a stale hash is refused.
    expect(
      (await decide(editor, first.id, { decision: 'approve', contentHash: first.contentHash })).status,
    ).toBe(403);
    const noNote = await decide(manager, first.id, { decision: 'reject', contentHash: first.contentHash });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.message).toContain('a note is required');
    const stale = await decide(manager, first.id, { decision: 'approve', contentHash: 'something-else' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toEqual({ reason: 'stale' });
    const rejected = await decide(manager, first.id, {
      decision: 'reject',
      note: 'Only 2 dishes are new',
      contentHash: first.contentHash,
    });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body.request).toMatchObject({
      state: 'rejected',
      steps: [{ state: 'stopped' }],
      decisions: [
        {
          decision: 'rejected',
          note: 'Only 2 dishes are new',
          by: { name: 'flow-manager name', external: false },
        },
      ],
    });
    expect((await editor.http.get(w(`/posts/${post.id}`))).body.post.approval.state).toBe('rejected');
    expect(await notices(editor, 'approval.rejected')).toMatchObject([
      {
        title: 'flow-manager name rejected “Spring menu: 3 new dishes”',
        body: 'Only 2 dishes are new Edit the post and submit it again.',
      },
    ]);

    // Editing a rejected post does not resubmit it; the author resubmits and approvers see what changed.
    const edited = await editor.http.patch(w(`/posts/${post.id}`), { body: 'Spring menu: 2 new dishes' });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.post.approval.state).toBe('rejected');
    const again = await editor.http.post(w(`/posts/${post.id}/approval/submit`), {});
    expect(again.status, again.text).toBe(201);
    const second = again.body.request;
    expect(second).toMatchObject({
      previousRequestId: first.id,
      diff: [
        { field: `text:${channelId}`, from: 'Spring menu: 3 new dishes', to: 'Spring menu: 2 new dishes' },
      ],
    });
    expect(second.contentHash).not.toBe(first.contentHash);
    // Deciding on the old request is refused as stale.
    expect(
      (await decide(manager, first.id, { decision: 'approve', contentHash: first.contentHash })).status,
    ).toBe(409);

    const approved = await decide(manager, second.id, {
      decision: 'approve',
      contentHash: second.contentHash,
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.request).toMatchObject({
      state: 'approved',
      steps: [{ state: 'done' }],
      waitingFor: [],
    });
    const view = (await editor.http.get(w(`/posts/${post.id}`))).body.post;
    expect(view).toMatchObject({ approved: true, approval: { state: 'approved', expiresAt: null } });
    expect(await notices(editor, 'approval.approved')).toHaveLength(1);

    // It publishes at its time.
    clock.set(at);
    expect(await h.services.deliveryEngine.run(view.deliveries[0].id)).toBe('published');
    expect(published('flow')).toHaveLength(1);
    expect(published('flow')[0]).toContain('Spring menu: 2 new dishes');

    // Every decision is in the post's activity and the audit log.
    const activity = (await editor.http.get(w(`/posts/${post.id}/activity`))).body.activity as {
      kind: string;
      summary: string;
      actorName: string | null;
    }[];
    const approvalEntries = activity
      .filter((e) => e.kind.startsWith('approval.'))
      .map((e) => [e.kind, e.actorName, e.summary]);
    expect(approvalEntries).toEqual([
      [
        'approval.submitted',
        'flow-editor name',
        'Submitted it for approval (Default approval): “For Friday”',
      ],
      ['approval.decided', 'flow-manager name', 'Rejected at step “Approval”: “Only 2 dishes are new”'],
      ['approval.submitted', 'flow-editor name', 'Submitted it for approval (Default approval)'],
      ['approval.decided', 'flow-manager name', 'Approved at step “Approval”'],
      ['approval.approved', 'flow-manager name', 'Approved: every step said yes'],
    ]);
    const audit = (await t.http.get(w('/audit-events'))).body.events.map((e: { action: string }) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(['approval.submitted', 'approval.decided', 'approval.approved']),
    );
  });

  it('nobody approves their own post, and an edit after approval sends it back with the change', async () => {
    const { t, w, channelId, manager } = await setup('self');
    const post = (await manager.http.post(w('/posts'), { body: 'Manager post', channels: [{ channelId }] }))
      .body.post;
    // A manager needs no approval, but may ask for it; they cannot then approve it themselves.
    expect(post.approval.state).toBe('not_required');
    const req = (await manager.http.post(w(`/posts/${post.id}/approval/submit`), {})).body.request;
    expect(req.canDecide).toBe(false);
    const own = await manager.http.post(w(`/approval-requests/${req.id}/decisions`), {
      decision: 'approve',
      contentHash: req.contentHash,
    });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toContain('Nobody approves their own post');
    const ok = await t.http.post(w(`/approval-requests/${req.id}/decisions`), {
      decision: 'approve',
      contentHash: req.contentHash,
    });
    expect(ok.body.request.state).toBe('approved');

    const edited = await manager.http.patch(w(`/posts/${post.id}`), { body: 'Manager post, edited' });
    expect(edited.body.post).toMatchObject({ approved: false, approval: { state: 'pending' } });
    const approval = (await manager.http.get(w(`/posts/${post.id}/approval`))).body;
    expect(approval.request).toMatchObject({
      state: 'pending',
      previousRequestId: req.id,
      diff: [{ label: 'Text on self-hook', from: 'Manager post', to: 'Manager post, edited' }],
    });
    expect(approval.history.map((r: { state: string }) => r.state)).toEqual(['pending', 'superseded']);
    // The history tells it in order: the edit, then the post going back to its approvers.
    const kinds = (await manager.http.get(w(`/posts/${post.id}/activity`))).body.activity.map(
      (e: { kind: string }) => e.kind,
    );
    expect(kinds.slice(-2)).toEqual(['post.updated', 'approval.sent_back']);
    // Moving it in time is not a change of content.
    const moved = await manager.http.patch(w(`/posts/${post.id}`), {
      schedule: { at: new Date(clock.now().getTime() + 7 * DAY).toISOString() },
    });
    expect(moved.body.post.approval.state).toBe('pending');
    expect((await manager.http.get(w(`/posts/${post.id}/approval`))).body.history).toHaveLength(2);
    // Withdrawn, a manager's post needs no approval again.
    const withdrawn = await manager.http.post(w(`/posts/${post.id}/approval/withdraw`), {});
    expect(withdrawn.body.request.state).toBe('withdrawn');
    expect((await manager.http.get(w(`/posts/${post.id}`))).body.post).toMatchObject({
      approved: true,
      approval: { state: 'not_required' },
    });
  });

  it('walks two steps (all managers with a checklist, then a client by link) and refuses bad links', async () => {
    const { t, w, channelId, editor, manager } = await setup('steps');
    const manager2 = await h.member(t.workspaceId, 'manager', 'steps-manager2');
    const wf = await t.http.post(w('/approval-workflows'), {
      name: 'Client review',
      requiredFor: ['editor'],
      steps: [
        {
          name: 'Managers',
          rule: 'all',
          approvers: [{ type: 'role', role: 'manager' }],
          checklist: ['Facts and figures checked', 'Links work'],
        },
        { name: 'Client', approvers: [{ type: 'email', email: 'client@example.com' }] },
      ],
    });
    expect(wf.status, wf.text).toBe(201);
    const post = (
      await editor.http.post(w('/posts'), {
        title: 'Launch',
        body: 'We launch on Monday',
        channels: [{ channelId }],
        schedule: { at: new Date(clock.now().getTime() + 2 * 3_600_000).toISOString() },
      })
    ).body.post;
    const req = (await editor.http.post(w(`/posts/${post.id}/approval/submit`), {})).body.request;
    expect(req.workflow).toMatchObject({ name: 'Client review' });
    // The owner is not a manager: the first step waits only for the two managers.
    expect(req.waitingFor.map((x: { label: string }) => x.label).sort()).toEqual([
      'steps-manager name',
      'steps-manager2 name',
    ]);
    const decide = (who: typeof manager, body: Record<string, unknown>) =>
      who.http.post(w(`/approval-requests/${req.id}/decisions`), { contentHash: req.contentHash, ...body });
    const unticked = await decide(manager, { decision: 'approve', checklist: ['Links work'] });
    expect(unticked.status).toBe(400);
    expect(unticked.body.error.message).toContain('not ticked: "Facts and figures checked"');
    expect((await decide(t, { decision: 'approve' })).status).toBe(403);
    const one = await decide(manager, {
      decision: 'approve',
      checklist: ['Facts and figures checked', 'Links work'],
    });
    expect(one.body.request).toMatchObject({ state: 'pending', currentStep: 0 });
    expect(one.body.request.waitingFor.map((x: { label: string }) => x.label)).toEqual([
      'steps-manager2 name',
    ]);
    expect(
      (await decide(manager, { decision: 'approve', checklist: ['Facts and figures checked', 'Links work'] }))
        .status,
    ).toBe(409);
    mailer.sent.length = 0;
    const two = await decide(manager2, {
      decision: 'approve',
      checklist: ['Facts and figures checked', 'Links work'],
    });
    expect(two.body.request).toMatchObject({
      state: 'pending',
      currentStep: 1,
      steps: [{ state: 'done' }, { state: 'current' }],
      waitingFor: [{ label: 'client@example.com', email: 'client@example.com' }],
    });
    expect((await editor.http.get(w(`/posts/${post.id}`))).body.post.approved).toBe(false);

    // The client's link is e-mailed by a job; it is never stored or returned.
    await h.runQueuedJobs('approvals.link-email.v1');
    const mail = mailer.sent.find((m) => m.to === 'client@example.com');
    expect(mail?.subject).toBe('Please approve a post for steps workspace');
    const url = /(http:\/\/chorus\.test\/approve\/\S+)/.exec(mail!.text)![1]!;
    const token = url.split('/approve/')[1]!;
    h.secrets.add(token);
    const links = (await editor.http.get(w(`/approval-links?requestId=${req.id}`))).body.links;
    expect(links).toMatchObject([{ email: 'client@example.com', requestIds: [req.id], revokedAt: null }]);

    const anonymous = h.client();
    const view = await anonymous.get(`/api/v1/approval-links/${token}`);
    expect(view.status, view.text).toBe(200);
    expect(view.body).toMatchObject({
      workspace: { name: 'steps workspace' },
      email: 'client@example.com',
      items: [
        {
          request: {
            id: req.id,
            state: 'pending',
            snapshot: {
              title: 'Launch',
              body: 'We launch on Monday',
              channels: [
                {
                  channelId,
                  text: 'We launch on Monday',
                  preview: 'webhook',
                  networkName: expect.any(String),
                },
              ],
            },
          },
          canDecide: true,
          decided: null,
        },
      ],
    });
    // Tampered, cut or forged tokens are refused alike.
    const [id, exp, sig] = token.split('.');
    for (const bad of [
      `${id}.${Number(exp) + 1}.${sig}`,
      `${id}.${exp}`,
      `${id}.${exp}.${sig!.slice(1)}x`,
      'nonsense',
    ]) {
      const res = await anonymous.get(`/api/v1/approval-links/${bad}`);
      expect(res.status).toBe(404);
      expect(res.body.error.details).toEqual({ reason: 'link_invalid' });
    }
    const comment = await anonymous.post(`/api/v1/approval-links/${token}/comments`, {
      requestId: req.id,
      body: 'Can we say "Monday 9am"?',
    });
    expect(comment.status, comment.text).toBe(201);
    expect(comment.body.comment).toMatchObject({ authorName: 'client@example.com' });
    const comments = (await editor.http.get(w(`/posts/${post.id}/comments`))).body.comments;
    expect(comments).toMatchObject([
      { authorId: null, authorName: 'client@example.com', body: 'Can we say "Monday 9am"?' },
    ]);

    const decided = await anonymous.post(`/api/v1/approval-links/${token}/decisions`, {
      requestId: req.id,
      decision: 'approve',
      contentHash: req.contentHash,
    });
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.item).toMatchObject({
      canDecide: false,
      decided: { decision: 'approved' },
      request: { state: 'approved' },
    });
    expect((await editor.http.get(w(`/posts/${post.id}`))).body.post).toMatchObject({
      approved: true,
      approval: { state: 'approved' },
    });
    // Used: deciding again, or opening it, is refused.
    const reused = await anonymous.post(`/api/v1/approval-links/${token}/decisions`, {
      requestId: req.id,
      decision: 'approve',
      contentHash: req.contentHash,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.details).toEqual({ reason: 'link_used' });
    expect((await anonymous.get(`/api/v1/approval-links/${token}`)).body.error.details).toEqual({
      reason: 'link_used',
    });
    const activity = (await editor.http.get(w(`/posts/${post.id}/activity`))).body.activity;
    expect(
      activity.find((e: { summary: string }) => e.summary === 'Approved at step “Client”'),
    ).toMatchObject({
      actorName: 'client@example.com',
    });

    // A batch link, revoked; and one that expired.
    const p2 = (await editor.http.post(w('/posts'), { body: 'Second', channels: [{ channelId }] })).body.post;
    const r2 = (await editor.http.post(w(`/posts/${p2.id}/approval/submit`), {})).body.request;
    expect(
      (await editor.http.post(w('/approval-links'), { email: 'x@example.com', requestIds: [req.id] })).status,
    ).toBe(400);
    mailer.sent.length = 0;
    const made = await editor.http.post(w('/approval-links'), {
      email: 'Boss@Example.com',
      requestIds: [r2.id],
      expiresInDays: 1,
    });
    expect(made.status, made.text).toBe(201);
    expect(made.text).not.toContain('/approve/');
    await h.runQueuedJobs('approvals.link-email.v1');
    const batchToken = /\/approve\/(\S+)/.exec(
      mailer.sent.find((m) => m.to === 'boss@example.com')!.text,
    )![1]!;
    h.secrets.add(batchToken);
    const batch = await anonymous.get(`/api/v1/approval-links/${batchToken}`);
    // Not an approver of the current step: sees and comments, does not decide.
    expect(batch.body.items).toMatchObject([{ request: { id: r2.id }, canDecide: false }]);
    const refused = await anonymous.post(`/api/v1/approval-links/${batchToken}/decisions`, {
      requestId: r2.id,
      decision: 'approve',
      contentHash: r2.contentHash,
    });
    expect(refused.status).toBe(403);
    expect((await editor.http.delete(w(`/approval-links/${made.body.link.id}`))).status).toBe(204);
    expect((await anonymous.get(`/api/v1/approval-links/${batchToken}`)).body.error.details).toEqual({
      reason: 'link_revoked',
    });
    const third = await editor.http.post(w('/approval-links'), {
      email: 'late@example.com',
      requestIds: [r2.id],
      expiresInDays: 1,
    });
    await h.runQueuedJobs('approvals.link-email.v1');
    const lateToken = /\/approve\/(\S+)/.exec(
      mailer.sent.find((m) => m.to === 'late@example.com')!.text,
    )![1]!;
    h.secrets.add(lateToken);
    expect(third.status).toBe(201);
    clock.advance(DAY + 1000);
    expect((await anonymous.get(`/api/v1/approval-links/${lateToken}`)).body.error.details).toEqual({
      reason: 'link_expired',
    });
  });

  it('holds an unapproved post when its time comes and tells the author; publishes anyway only by opt-in', async () => {
    const { t, w, channelId, editor } = await setup('hold');
    const now = () => clock.now().getTime();
    const held = (
      await editor.http.post(w('/posts'), {
        body: 'Never approved',
        channels: [{ channelId }],
        schedule: { at: new Date(now() + 60_000).toISOString() },
      })
    ).body.post;
    await editor.http.post(w(`/posts/${held.id}/approval/submit`), {});
    clock.advance(61_000);
    expect(await h.services.deliveryEngine.run(held.deliveries[0].id)).toBe('held');
    expect((await editor.http.get(w(`/posts/${held.id}`))).body.post.deliveries[0]).toMatchObject({
      state: 'paused',
      reason: 'The post is waiting for approval: it publishes once its approvers approve it.',
    });
    expect(await notices(editor, 'approval.held')).toMatchObject([
      { title: 'Held: “Never approved” is not approved' },
    ]);
    expect(published('hold')).toEqual([]);
    // Approved late, it goes out at once.
    const req = (await t.http.get(w(`/posts/${held.id}/approval`))).body.request;
    const manager = await h.member(t.workspaceId, 'manager', 'hold-manager');
    await manager.http.post(w(`/approval-requests/${req.id}/decisions`), {
      decision: 'approve',
      contentHash: req.contentHash,
    });
    await h.runQueuedJobs('deliveries.publish.v1');
    expect(published('hold')).toHaveLength(1);

    // A workflow that publishes anyway: a pending post goes out at its time; a rejected one never does.
    await t.http.post(w('/approval-workflows'), {
      name: 'Lenient',
      onExpiry: 'publish',
      steps: [{ name: 'Head', approvers: [{ type: 'role', role: 'manager' }] }],
    });
    const lenient = (
      await editor.http.post(w('/posts'), {
        body: 'Goes out anyway',
        channels: [{ channelId }],
        schedule: { at: new Date(now() + 60_000).toISOString() },
      })
    ).body.post;
    const sub = (await editor.http.post(w(`/posts/${lenient.id}/approval/submit`), {})).body.request;
    expect(sub.workflow).toMatchObject({ name: 'Lenient', onExpiry: 'publish' });
    expect((await editor.http.get(w(`/posts/${lenient.id}`))).body.post.approval.publishesUnapproved).toBe(
      true,
    );
    const rejected = (
      await editor.http.post(w('/posts'), {
        body: 'Rejected stays',
        channels: [{ channelId }],
        schedule: { at: new Date(now() + 60_000).toISOString() },
      })
    ).body.post;
    const rr = (await editor.http.post(w(`/posts/${rejected.id}/approval/submit`), {})).body.request;
    await manager.http.post(w(`/approval-requests/${rr.id}/decisions`), {
      decision: 'request_changes',
      note: 'Shorter',
      contentHash: rr.contentHash,
    });
    clock.advance(61_000);
    expect(await h.services.deliveryEngine.run(lenient.deliveries[0].id)).toBe('published');
    expect(await h.services.deliveryEngine.run(rejected.deliveries[0].id)).toBe('held');
    expect(published('hold').filter((b) => b.includes('Rejected stays'))).toEqual([]);
    expect((await editor.http.get(w(`/posts/${rejected.id}`))).body.post.deliveries[0].reason).toBe(
      'The post is waiting for approval: changes were requested. Edit it and submit it again.',
    );
  });

  it('never lets a failing mail server block a decision; the link e-mail goes out when it is back', async () => {
    const { t, w, channelId, editor, manager } = await setup('mailfail');
    await t.http.post(w('/approval-workflows'), {
      name: 'Then the client',
      steps: [
        { name: 'Head', approvers: [{ type: 'role', role: 'manager' }] },
        { name: 'Client', approvers: [{ type: 'email', email: 'client@example.com' }] },
      ],
    });
    const post = (await editor.http.post(w('/posts'), { body: 'Mail is down', channels: [{ channelId }] }))
      .body.post;
    const req = (await editor.http.post(w(`/posts/${post.id}/approval/submit`), {})).body.request;
    mailer.down = true;
    try {
      const decided = await manager.http.post(w(`/approval-requests/${req.id}/decisions`), {
        decision: 'approve',
        contentHash: req.contentHash,
      });
      expect(decided.status, decided.text).toBe(200);
      expect(decided.body.request).toMatchObject({ state: 'pending', currentStep: 1 });
      const job = h.queuedJobs.find((j) => j.name === 'approvals.link-email.v1');
      expect(job).toBeDefined();
      // The job fails (the engine retries it with backoff); nothing was sent, nothing else changed.
      await expect(h.runQueuedJobs('approvals.link-email.v1')).rejects.toThrow('ECONNREFUSED');
      expect(
        mailer.sent.filter((m) => m.to === 'client@example.com' && m.text.includes('Mail is down')),
      ).toEqual([]);
      mailer.down = false;
      const linkId = (job!.payload as { linkId: string }).linkId;
      expect(await h.services.approvalLinks.sendEmail(linkId)).toBe('sent');
      expect(
        mailer.sent.filter((m) => m.to === 'client@example.com' && m.text.includes('Mail is down')),
      ).toHaveLength(1);
    } finally {
      mailer.down = false;
    }
  });

  it('lets approvals expire after the days a workflow allows, for posts not yet sent', async () => {
    const { t, w, channelId, editor, manager } = await setup('expiry');
    await t.http.post(w('/approval-workflows'), {
      name: 'Fresh',
      approvalValidDays: 2,
      steps: [{ name: 'Head', approvers: [{ type: 'role', role: 'manager' }] }],
    });
    const post = (
      await editor.http.post(w('/posts'), {
        body: 'Old news soon',
        channels: [{ channelId }],
        schedule: { at: new Date(clock.now().getTime() + 5 * DAY).toISOString() },
      })
    ).body.post;
    const req = (await editor.http.post(w(`/posts/${post.id}/approval/submit`), {})).body.request;
    const ok = await manager.http.post(w(`/approval-requests/${req.id}/decisions`), {
      decision: 'approve',
      contentHash: req.contentHash,
    });
    expect(ok.body.request.expiresAt).toBe(new Date(clock.now().getTime() + 2 * DAY).toISOString());
    clock.advance(DAY);
    expect(await h.services.approvalTimers.expireLapsed()).toBe(0);
    clock.advance(DAY + 1000);
    expect(await h.services.approvalTimers.expireLapsed()).toBe(1);
    expect((await editor.http.get(w(`/posts/${post.id}`))).body.post).toMatchObject({
      approved: false,
      approval: { state: 'expired' },
    });
    expect(await notices(editor, 'approval.expired')).toMatchObject([
      { title: 'The approval of “Old news soon” expired' },
    ]);
    clock.advance(3 * DAY);
    expect(await h.services.deliveryEngine.run(post.deliveries[0].id)).toBe('held');
    expect(published('expiry')).toEqual([]);
    // Submitted again, it needs a new yes.
    const again = await editor.http.post(w(`/posts/${post.id}/approval/submit`), {});
    expect(again.body.request).toMatchObject({ state: 'pending', diff: [] });
  });

  it('requires approval of the roles a workflow names, and of roles that may not publish', async () => {
    const { t, w, channelId, editor, manager } = await setup('roles');
    const everyone = await t.http.post(w('/approval-workflows'), {
      name: 'Everyone but the owner',
      requiredFor: ['manager'],
      steps: [{ name: 'Owner', approvers: [{ type: 'role', role: 'owner' }] }],
    });
    const byManager = await manager.http.post(w('/posts'), { body: 'M', channels: [{ channelId }] });
    const byOwner = await t.http.post(w('/posts'), { body: 'O', channels: [{ channelId }] });
    const byEditor = await editor.http.post(w('/posts'), { body: 'E', channels: [{ channelId }] });
    expect(byManager.body.post.approval.state).toBe('required');
    expect(byOwner.body.post.approval.state).toBe('not_required');
    expect(byEditor.body.post.approval.state).toBe('required');
    // An edit of an approved post whose approvers have all gone is saved, and waits to be submitted again.
    const solo = await t.http.post(w('/approval-workflows'), {
      name: 'Solo',
      channelIds: [channelId],
      steps: [{ name: 'Only', approvers: [{ type: 'user', userId: manager.user.id }] }],
    });
    expect(solo.body.workflow.position).toBe(1);
    await t.http.patch(w(`/approval-workflows/${everyone.body.workflow.id}`), { position: 5 });
    const p = (await editor.http.post(w('/posts'), { body: 'Solo', channels: [{ channelId }] })).body.post;
    const r = (await editor.http.post(w(`/posts/${p.id}/approval/submit`), {})).body.request;
    expect(r.workflow.name).toBe('Solo');
    await manager.http.post(w(`/approval-requests/${r.id}/decisions`), {
      decision: 'approve',
      contentHash: r.contentHash,
    });
    expect((await t.http.delete(w(`/members/${manager.user.id}`))).status).toBe(204);
    const edited = await editor.http.patch(w(`/posts/${p.id}`), { body: 'Solo, edited' });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.post).toMatchObject({
      body: 'Solo, edited',
      approved: false,
      approval: { state: 'required' },
    });
    const resubmit = await editor.http.post(w(`/posts/${p.id}/approval/submit`), {});
    expect(resubmit.status).toBe(400);
    expect(resubmit.body.error.message).toContain('Nobody can approve step 1 ("Only")');
    // An idea cannot be submitted.
    const idea = await editor.http.post(w('/posts'), { kind: 'idea', body: 'Maybe', channels: [] });
    const refused = await editor.http.post(w(`/posts/${idea.body.post.id}/approval/submit`), {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('turn it into a post first');
  });
});
