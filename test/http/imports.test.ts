import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { EgressPolicy } from '../../src/egress/safe-fetch.js';
import { ImportsService } from '../../src/modules/imports/imports.service.js';
import { mediaLibrarySource } from '../../src/modules/imports/media-source.js';
import { MediaRepository } from '../../src/modules/media/media.repository.js';
import { MediaService } from '../../src/modules/media/media.service.js';
import { FileMediaStorage } from '../../src/modules/media/storage-file.js';
import { ImportsRepository } from '../../src/modules/imports/imports.repository.js';
import { TEST_TOKEN } from '../../src/networks/telegram/test-support/contract-env.js';
import { startBotApiStandIn } from '../../src/networks/telegram/test-support/stand-in.js';
import { image } from '../support/media-files.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver } from '../support/receiver.js';

/**
 * Bulk CSV import through the API, on both databases: a file is checked (every row, every problem located
 * by row and column), kept, and on confirmation its valid rows — exactly those — become posts through the
 * posts service, in the import job. Channels are signed webhooks and Discord webhooks on a loopback receiver.
 */
describe.each(TEST_TARGETS)('CSV import on %s', (target) => {
  // Workspaces of `h.tenant` are in Europe/Berlin (UTC+1 in March 2027 until the 28th).
  const clock = new ManualClock(new Date('2027-03-01T09:00:00Z'));
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Serves media files: a picture, text pretending to be one, one over the size limit, redirects. */
  let web: Awaited<ReturnType<typeof startReceiver>>;
  let bot: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let png: Buffer;
  const MAX_MEDIA = 200_000;

  beforeAll(async () => {
    h = await createHarness(target, {
      clock,
      env: { EGRESS_ALLOW_PRIVATE: 'true', MEDIA_MAX_BYTES: String(MAX_MEDIA) },
    });
    h.secrets.add(TEST_TOKEN);
    receiver = await startReceiver((req, res) => {
      if (req.path.startsWith('/discord')) return void res.end(JSON.stringify({ name: 'Discord hook' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    png = await image('png', 320, 240);
    bot = await startBotApiStandIn();
    web = await startReceiver((req, res) => {
      if (req.path === '/files/poster.png')
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (req.path === '/files/notes.png')
        return void res.writeHead(200, { 'content-type': 'image/png' }).end('just text');
      if (req.path === '/files/huge.png') return void res.writeHead(200).end(Buffer.alloc(MAX_MEDIA + 10));
      if (req.path === '/redirect-to-loopback') {
        // To another loopback server, which the strict policy below does not allow.
        const location = `http://127.0.0.1:${new URL(receiver.url).port}/files/poster.png`;
        return void res.writeHead(302, { location }).end();
      }
      res.writeHead(404).end();
    });
  });
  afterAll(async () => {
    await web.close();
    await bot.close();
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  async function setup(label: string, channels: string[]) {
    const t = await h.tenant(label);
    const ids: Record<string, string> = {};
    for (const name of channels) {
      const discord = name.startsWith('discord');
      const telegram = name.startsWith('Telegram');
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network: discord ? 'discord' : telegram ? 'telegram' : 'webhook',
        name,
        credential: discord
          ? { url: `${receiver.url}/discord/api/webhooks/1/${label}-${name}` }
          : telegram
            ? { botToken: TEST_TOKEN, chatId: '@acme_news', apiBase: bot.url }
            : { url: `${receiver.url}/${label}-${name}`, secret: 'import-test-secret-0001' },
      });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.channel.id;
    }
    const base = `/api/v1/workspaces/${t.workspaceId}`;
    const preview = (csv: string, extra: Record<string, unknown> = {}) =>
      t.http.post(`${base}/imports`, { fileName: `${label}.csv`, csv, ...extra });
    const rows = async (importId: string, query = '') => {
      const res = await t.http.get(`${base}/imports/${importId}/rows?limit=500${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.rows as {
        row: number;
        status: string;
        cells: string[];
        problems: { column: string | null; message: string; fix: string }[];
        plan: null | {
          channels: { id: string; name: string }[];
          text: string;
          when: string;
          scheduledAt: string | null;
          tags: string[];
          campaign: string | null;
        };
        postId: string | null;
      }[];
    };
    const confirmAndRun = async (importId: string) => {
      const confirmed = await t.http.post(`${base}/imports/${importId}/confirm`);
      expect(confirmed.status, confirmed.text).toBe(200);
      expect(confirmed.body.import.status).toBe('queued');
      expect(h.queuedJobs.filter((j) => j.name === 'imports.run.v1')).toHaveLength(1);
      await h.runQueuedJobs('imports.run.v1');
      const done = await t.http.get(`${base}/imports/${importId}`);
      expect(done.body.import.status).toBe('finished');
      return done.body.import;
    };
    const posts = async () => (await t.http.get(`${base}/posts?limit=200`)).body.posts as any[];
    // Publishing jobs the posts queued are not this test's concern.
    const dropPublishJobs = () => {
      for (let i = h.queuedJobs.length - 1; i >= 0; i--)
        if (h.queuedJobs[i]!.name === 'deliveries.publish.v1') h.queuedJobs.splice(i, 1);
    };
    return { ...t, channel: ids, base, preview, rows, confirmAndRun, posts, dropPublishJobs };
  }

  it('imports the documented layout: BOM, CRLF, quoted newlines, names or ids, drafts, instants and local times', async () => {
    const t = await setup('layout', ['News', 'discord-team']);
    const csv =
      '\uFEFFChannel,TEXT,Time,Tags,Campaign\r\n' +
      'news,"Spring menu\r\nis here, finally",2027-03-10T09:30:00+01:00,food; spring,Spring 2027\r\n' +
      `${t.channel['discord-team']}|News,Two channels at once,2027-03-10 18:00,"a,b,a",\r\n` +
      'News,"A draft with ""quotes""",,,\r\n';
    const res = await t.preview(csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body.import).toMatchObject({
      layout: 'chorus',
      status: 'previewed',
      totalRows: 3,
      validRows: 3,
      invalidRows: 0,
      columns: ['Channel', 'TEXT', 'Time', 'Tags', 'Campaign'],
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const preview = await t.rows(res.body.import.id);
    expect(preview.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(preview[0]!.plan).toMatchObject({
      channels: [{ id: t.channel.News, name: 'News' }],
      text: 'Spring menu\r\nis here, finally',
      when: 'scheduled',
      scheduledAt: '2027-03-10T08:30:00.000Z',
      tags: ['food', 'spring'],
      campaign: 'Spring 2027',
    });
    // A local time is the workspace's (Europe/Berlin, UTC+1 on 10 March).
    expect(preview[1]!.plan).toMatchObject({
      channels: [{ id: t.channel['discord-team'] }, { id: t.channel.News }],
      scheduledAt: '2027-03-10T17:00:00.000Z',
      tags: ['a', 'b'],
      campaign: null,
    });
    expect(preview[2]!.plan).toMatchObject({
      text: 'A draft with "quotes"',
      when: 'draft',
      scheduledAt: null,
    });
    // Nothing exists before confirmation.
    expect(await t.posts()).toHaveLength(0);

    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ doneRows: 3, importedRows: 3, failedRows: 0 });
    const imported = await t.rows(res.body.import.id);
    expect(imported.every((r) => r.status === 'imported' && r.postId)).toBe(true);
    const posts = await t.posts();
    expect(posts).toHaveLength(3);
    const byId = new Map(posts.map((p) => [p.id, p]));
    const first = byId.get(imported[0]!.postId!);
    expect(first).toMatchObject({
      body: 'Spring menu\r\nis here, finally',
      status: 'scheduled',
      tags: ['food', 'spring'],
      campaign: 'Spring 2027',
    });
    expect(first.scheduledAt).toBe('2027-03-10T08:30:00.000Z');
    const second = byId.get(imported[1]!.postId!);
    expect(second.channels.map((c: { channelId: string }) => c.channelId).sort()).toEqual(
      [t.channel.News, t.channel['discord-team']].sort(),
    );
    expect(second).toMatchObject({
      scheduleLocal: '2027-03-10T18:00',
      scheduleTimeZone: 'Europe/Berlin',
      tags: ['a', 'b'],
      campaign: null,
    });
    expect(byId.get(imported[2]!.postId!)).toMatchObject({ status: 'draft', body: 'A draft with "quotes"' });
    t.dropPublishJobs();
  });

  it('reads files separated by semicolons or tabs, as spreadsheets in many locales save them', async () => {
    const t = await setup('separators', ['News']);
    const semicolons = await t.preview('Channel;Text;Tags\r\nNews;"Prix: 3,50 €; servi chaud";a,b\r\n');
    expect(semicolons.status, semicolons.text).toBe(201);
    expect((await t.rows(semicolons.body.import.id))[0]!.plan).toMatchObject({
      text: 'Prix: 3,50 €; servi chaud',
      tags: ['a', 'b'],
    });
    const tabs = await t.preview('channel\ttext\nNews\tTabbed, with a comma\n');
    expect((await t.rows(tabs.body.import.id))[0]!.plan).toMatchObject({ text: 'Tabbed, with a comma' });
  });

  it('takes a file larger than the usual request limit, which other routes still refuse', async () => {
    const t = await setup('large', ['News']);
    // 2,000 rows of about 700 characters: 1.4 MB, over the default 1 MiB request limit.
    const row = (i: number) => `News,"Row ${i} ${'long text '.repeat(70)}"`;
    const csv = ['channel,text', ...Array.from({ length: 2000 }, (_, i) => row(i))].join('\n');
    expect(csv.length).toBeGreaterThan(1024 * 1024);
    const res = await t.preview(csv);
    expect(res.status, res.text.slice(0, 300)).toBe(201);
    expect(res.body.import.totalRows).toBe(2000);
    const other = await t.http.post(`${t.base}/calendar/notes`, {
      startsOn: '2027-03-01',
      title: 'x'.repeat(1_200_000),
    });
    expect(other.status).toBe(413);
  });

  it('reports every problem with its row and column, and how to fix it', async () => {
    const t = await setup('problems', ['News', 'discord-short']);
    const csv = [
      'channel,text,time,first_comment,media,tags,campaign',
      'Nowhere,Unknown channel,,,,,',
      `discord-short,${'x'.repeat(2001)},,,,,`,
      'News,Bad time,next tuesday,,,,',
      'News,In the past,2027-02-28T10:00:00Z,,,,',
      'News,Impossible date,2027-02-30 10:00,,,,',
      'News,First comment nowhere,,Follow us,,,',
      ',No channel,,,,,',
      `News,Long tag,,,,${'t'.repeat(101)},`,
      'News,Fine,,,,,',
      'News,Too many fields,,,,,,surprise',
    ].join('\n');
    const res = await t.preview(csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body.import).toMatchObject({ totalRows: 10, validRows: 1, invalidRows: 9 });
    const problems = await t.rows(res.body.import.id, '&status=problems');
    const located = Object.fromEntries(problems.map((r) => [r.row, r.problems]));
    expect(Object.keys(located).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(located[2]).toEqual([
      expect.objectContaining({
        column: 'channel',
        message: expect.stringContaining('no channel "Nowhere"'),
      }),
    ]);
    expect(located[2]![0]!.fix).toContain('News');
    expect(located[3]).toEqual([
      expect.objectContaining({
        column: 'text',
        message: expect.stringMatching(/discord-short: The text is 2001 characters long; the limit is 2000/),
      }),
    ]);
    expect(located[4]).toEqual([
      expect.objectContaining({
        column: 'time',
        message: expect.stringContaining('"next tuesday" is not a time'),
      }),
    ]);
    expect(located[4]![0]!.fix).toContain('Europe/Berlin');
    expect(located[5]).toEqual([
      expect.objectContaining({ column: 'time', message: expect.stringContaining('is in the past') }),
    ]);
    expect(located[6]).toEqual([
      expect.objectContaining({ column: 'time', message: expect.stringContaining('not a real date') }),
    ]);
    expect(located[7]).toEqual([
      expect.objectContaining({ column: 'first_comment', message: 'News cannot post a first comment.' }),
    ]);
    expect(located[8]).toEqual([
      expect.objectContaining({ column: 'channel', message: 'No channel is given.' }),
    ]);
    expect(located[9]).toEqual([
      expect.objectContaining({
        column: 'tags',
        message: expect.stringContaining('longer than 50 characters'),
      }),
    ]);
    expect(located[11]).toEqual([
      expect.objectContaining({ column: null, message: expect.stringContaining('has 8 fields') }),
    ]);
    for (const r of problems) for (const p of r.problems) expect(p.fix.length).toBeGreaterThan(5);
    // A problem row keeps its fields as written, for showing it.
    expect(problems[0]!.cells).toEqual(['Nowhere', 'Unknown channel', '', '', '', '', '']);
  });

  it('refuses files that are not CSV, and headers it does not know, saying what to do', async () => {
    const t = await setup('files', ['News']);
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['PK\u0003\u0004 workbook bytes', /Excel.*not CSV/],
      ['channel,text\nNews,"never closed\n', /Line \d+: a quoted field is never closed/],
      ['channel,text,colour,size\nNews,hi,red,L\n', /unknown columns "colour", "size"/],
      ['text,time\nhello,\n', /neither a Chorus header/],
      ['Channel,text\n', /header row but no posts/],
      ['channel,text,Text\nNews,a,b\n', /twice/],
      ['channel,media\nNews,\n', /no text column/],
    ];
    for (const [csv, message] of cases) {
      const res = await t.preview(csv || ' ');
      expect(res.status, `${JSON.stringify(csv)} → ${res.text}`).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const latin1 = await t.http.post(`${t.base}/imports`, {
      fileName: 'x.csv',
      csv: 'channel,text\nNews,caf\u00e9',
    });
    expect(latin1.status).toBe(201);
    expect(await t.posts()).toHaveLength(0);
  });

  it('reads Hootsuite bulk files into the channel chosen at import time', async () => {
    const t = await setup('hoot', ['Main', 'Other']);
    const csv = [
      '15/03/2027 09:30,Hello from Hootsuite,https://example.com/spring',
      '16/03/2027 14:05,"Second, with a comma",',
      '31/02/2027 10:00,Impossible day,',
      '15/03/2027 09:30,Bad link,not a link',
    ].join('\r\n');
    const missing = await t.preview(csv);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/Hootsuite.*choose the channel/);

    const res = await t.preview(csv, { channelId: t.channel.Main });
    expect(res.status, res.text).toBe(201);
    expect(res.body.import).toMatchObject({
      layout: 'hootsuite',
      dateFormat: 'dd/mm/yyyy',
      channelId: t.channel.Main,
      totalRows: 4,
      validRows: 2,
      columns: ['date', 'message', 'link'],
    });
    const rows = await t.rows(res.body.import.id);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(rows[0]!.plan).toMatchObject({
      channels: [{ id: t.channel.Main }],
      text: 'Hello from Hootsuite https://example.com/spring',
      scheduledAt: '2027-03-15T08:30:00.000Z',
    });
    expect(rows[2]!.problems).toEqual([
      expect.objectContaining({ column: 'date', message: expect.stringContaining('dd/mm/yyyy hh:mm') }),
    ]);
    expect(rows[3]!.problems).toEqual([expect.objectContaining({ column: 'link' })]);

    // Month first, with a header row, as the other date order; ambiguous dates must be chosen.
    const us = 'Date,Message,Link\n03/04/2027 10:00,US order,\n03/28/2027 10:00,Clearly month first,\n';
    const usRes = await t.preview(us, { channelId: t.channel.Other });
    expect(usRes.status, usRes.text).toBe(201);
    expect(usRes.body.import).toMatchObject({ dateFormat: 'mm/dd/yyyy', validRows: 2, totalRows: 2 });
    expect((await t.rows(usRes.body.import.id))[0]!.plan!.scheduledAt).toBe('2027-03-04T09:00:00.000Z');
    const ambiguous = await t.preview('03/04/2027 10:00,Which day?\n', { channelId: t.channel.Other });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.message).toMatch(/choose the format/);
    const chosen = await t.preview('03/04/2027 10:00,Which day?\n', {
      channelId: t.channel.Other,
      dateFormat: 'dd/mm/yyyy',
    });
    expect((await t.rows(chosen.body.import.id))[0]!.plan!.scheduledAt).toBe('2027-04-03T08:00:00.000Z');

    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ importedRows: 2, failedRows: 0 });
    const posts = await t.posts();
    expect(posts.map((p) => p.body).sort()).toEqual([
      'Hello from Hootsuite https://example.com/spring',
      'Second, with a comma',
    ]);
    expect(posts.every((p) => p.channels[0].channelId === t.channel.Main)).toBe(true);
    t.dropPublishJobs();
  });

  it('imports only the good rows of a mixed file, exactly as previewed, once', async () => {
    const t = await setup('mixed', ['News', 'Spare']);
    const lines = ['channel,text,time'];
    for (let i = 1; i <= 30; i++) {
      lines.push(
        i % 3 === 0
          ? `Missing,Bad row ${i},`
          : `News,Good row ${i},2027-03-${String(10 + (i % 15)).padStart(2, '0')} 10:00`,
      );
    }
    const res = await t.preview(lines.join('\n'));
    expect(res.body.import).toMatchObject({ totalRows: 30, validRows: 20 });
    const previewed = (await t.rows(res.body.import.id, '&status=valid')).map((r) => r.plan!.text);
    expect(previewed).toHaveLength(20);

    // The confirmed import uses the plan kept at preview time, not the file read again: a second channel
    // named "News" (which makes the name ambiguous in a new preview) changes nothing about it.
    const twin = await t.http.post(`${t.base}/channels`, {
      network: 'webhook',
      name: 'News',
      credential: { url: `${receiver.url}/mixed-twin`, secret: 'import-test-secret-0001' },
    });
    expect(twin.status, twin.text).toBe(201);
    const reread = await t.preview(lines.join('\n'));
    expect(reread.body.import.validRows).toBe(0);
    expect((await t.rows(reread.body.import.id))[0]!.problems[0]!.message).toMatch(/Several channels/);

    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ validRows: 20, doneRows: 20, importedRows: 20, failedRows: 0 });
    const posts = await t.posts();
    expect(posts.map((p) => p.body).sort()).toEqual([...previewed].sort());
    expect(posts.every((p) => p.channels[0].channelId === t.channel.News)).toBe(true);
    const rows = await t.rows(res.body.import.id);
    expect(rows.filter((r) => r.status === 'invalid')).toHaveLength(10);
    expect(new Set(rows.filter((r) => r.postId).map((r) => r.postId)).size).toBe(20);

    // Confirming again imports nothing more.
    const again = await t.http.post(`${t.base}/imports/${res.body.import.id}/confirm`);
    expect(again.status).toBe(409);
    await h.runQueuedJobs('imports.run.v1');
    expect(await t.posts()).toHaveLength(20);
    t.dropPublishJobs();
  });

  it('fails a row whose time passed between preview and import, and imports the rest', async () => {
    const t = await setup('late', ['News']);
    const res = await t.preview(
      'channel,text,time\nNews,Soon,2027-03-01T09:30:00Z\nNews,Later,2027-03-01T12:00:00Z\n',
    );
    expect(res.body.import.validRows).toBe(2);
    clock.advance(3600_000);
    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ importedRows: 1, failedRows: 1 });
    const rows = await t.rows(res.body.import.id);
    expect(rows[0]).toMatchObject({ status: 'failed', postId: null });
    expect(rows[0]!.problems).toEqual([
      expect.objectContaining({
        column: 'time',
        message: expect.stringContaining('has passed since the preview'),
      }),
    ]);
    expect((await t.posts()).map((p) => p.body)).toEqual(['Later']);
    t.dropPublishJobs();
  });

  it('keeps imports to their workspace and to people who may write posts', async () => {
    const t = await setup('owner', ['News']);
    const other = await setup('stranger', ['News']);
    const res = await t.preview('channel,text\nNews,Mine\n');
    const foreign = await other.http.get(`${t.base}/imports/${res.body.import.id}`);
    expect(foreign.status).toBe(404);
    const sideways = await other.http.get(`${other.base}/imports/${res.body.import.id}/rows`);
    expect(sideways.status).toBe(404);
    const analyst = await h.member(t.workspaceId, 'analyst');
    const refused = await analyst.http.post(`${t.base}/imports`, {
      fileName: 'a.csv',
      csv: 'channel,text\nNews,x\n',
    });
    expect(refused.status).toBe(403);
  });

  it('puts `queue` rows into each channel’s next free queue slot, and fails them where there is none', async () => {
    const t = await setup('queue', ['News', 'Unqueued']);
    const slots = await t.http.put(`${t.base}/channels/${t.channel.News}/queue`, {
      slots: [{ weekday: 3, time: '10:00' }],
    });
    expect(slots.status, slots.text).toBe(200);
    const res = await t.preview(
      'channel,text,time\nNews,Queued,queue\nNews,Queued too,QUEUE\nUnqueued,Nowhere to go,queue\n',
    );
    expect(res.body.import.validRows).toBe(3);
    expect((await t.rows(res.body.import.id)).map((r) => r.plan!.when)).toEqual(['queue', 'queue', 'queue']);
    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ importedRows: 2, failedRows: 1 });
    const rows = await t.rows(res.body.import.id);
    expect(rows[2]!.problems).toEqual([expect.objectContaining({ column: null })]);
    expect(rows[2]!.problems[0]!.message).toMatch(/Unqueued|queue|slot/i);
    const posts = await t.posts();
    // Monday 1 March 2027: the next Wednesdays at 10:00 in Berlin, one post per slot.
    expect(posts.map((p) => p.scheduledAt ?? p.deliveries[0]?.dueAt).sort()).toEqual([
      '2027-03-03T09:00:00.000Z',
      '2027-03-10T09:00:00.000Z',
    ]);
    t.dropPublishJobs();
  });

  it('attaches media by library id and by URL; what only fetching can tell fails its row at import', async () => {
    const t = await setup('media', ['Telegram news', 'News']);
    const uploaded = await t.http.raw('POST', `${t.base}/media`, {
      body: png,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    const assetId = uploaded.body.asset.id as string;
    const unknownId = randomUUID();
    const csv = [
      'channel,text,media',
      `Telegram news,From the library,${assetId}`,
      `Telegram news,From the web,${web.url}/files/poster.png`,
      `Telegram news,Unknown id,${unknownId}`,
      'Telegram news,Not an address,ftp://example.com/x.png',
      `News,Media where none is taken,${assetId}`,
      `Telegram news,Too large,${web.url}/files/huge.png`,
      `Telegram news,Not a picture,${web.url}/files/notes.png`,
      `Telegram news,Both,${assetId} | ${web.url}/files/poster.png`,
    ].join('\n');
    const res = await t.preview(csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body.import).toMatchObject({ totalRows: 8, validRows: 5 });
    const checked = await t.rows(res.body.import.id);
    expect(checked[2]!.problems).toEqual([
      expect.objectContaining({ column: 'media', message: expect.stringContaining(`no media ${unknownId}`) }),
    ]);
    expect(checked[3]!.problems).toEqual([
      expect.objectContaining({
        column: 'media',
        message: expect.stringContaining('neither a media-library id'),
      }),
    ]);
    expect(checked[4]!.problems).toEqual([
      expect.objectContaining({ column: 'media', message: 'News takes no media.' }),
    ]);
    // Nothing was fetched while checking.
    expect(web.requests).toHaveLength(0);

    const done = await t.confirmAndRun(res.body.import.id);
    expect(done).toMatchObject({ importedRows: 3, failedRows: 2 });
    const rows = await t.rows(res.body.import.id);
    expect(rows[5]).toMatchObject({ row: 7, status: 'failed', postId: null });
    expect(rows[5]!.problems).toEqual([
      expect.objectContaining({
        column: 'media',
        message: expect.stringMatching(/huge\.png: .*(larger|limit)/i),
      }),
    ]);
    expect(rows[6]).toMatchObject({ row: 8, status: 'failed', postId: null });
    expect(rows[6]!.problems).toEqual([expect.objectContaining({ column: 'media' })]);
    const posts = await t.posts();
    const media = (row: number) =>
      posts
        .find((p) => p.id === rows.find((r) => r.row === row)!.postId)
        .channels[0].media.map((m: { assetId: string }) => m.assetId);
    expect(media(2)).toEqual([assetId]);
    expect(media(3)).toHaveLength(1);
    expect(media(3)[0]).not.toBe(assetId);
    expect(media(9)).toHaveLength(2);
    expect(media(9)[0]).toBe(assetId);
    // A failed row left no post behind; its fetched file may stay in the library, but no post uses it.
    expect(posts).toHaveLength(3);
    t.dropPublishJobs();
  });

  it('refuses media on private or loopback addresses without the allowance, also after a redirect', async () => {
    const t = await setup('hostile', ['Telegram news']);
    const access = (await h.services.workspaces.accessOf(t.user.id, t.workspaceId))!;
    const actor = { userId: t.user.id, tokenId: null, ip: null, userAgent: 'test' };
    // This instance's operator allows no private addresses, except the one server the file is served from
    // (as an intranet host would be allowed one by one).
    const strict: EgressPolicy = { allowPrivate: false, allowList: [`127.0.0.1:${new URL(web.url).port}`] };
    const library = new MediaService({
      repo: new MediaRepository(h.database.db),
      storage: new FileMediaStorage(path.join(h.config.dataDir, 'media')),
      audit: h.services.audit,
      clock,
      logger: h.services.logger,
      maxBytes: MAX_MEDIA,
      egress: strict,
      channel: (a, id) => h.services.channels.get(a, id),
    });
    const imports = new ImportsService({
      repo: new ImportsRepository(h.database.db),
      posts: h.services.posts,
      channels: h.services.channels,
      workspaces: h.services.workspaces,
      media: mediaLibrarySource(library),
      jobs: h.services.jobs,
      clock,
      logger: h.services.logger,
      egress: strict,
    });
    const csv = [
      'channel,text,media',
      `Telegram news,Allowed host,${web.url}/files/poster.png`,
      `Telegram news,Loopback by name,http://localhost:${new URL(receiver.url).port}/x.png`,
      'Telegram news,Private network,http://10.1.2.3/cat.png',
      'Telegram news,Cloud metadata,http://169.254.169.254/latest/meta-data',
      'Telegram news,IPv6 loopback,http://[::1]:8080/x.png',
      `Telegram news,Redirected to loopback,${web.url}/redirect-to-loopback`,
    ].join('\n');
    const preview = await imports.preview(access, actor, { fileName: 'hostile.csv', source: csv });
    const checked = await imports.rows(access, preview.id, { offset: 0, limit: 10 });
    for (const r of checked.rows.slice(1, 5)) {
      expect(r.status, `row ${r.row}`).toBe('invalid');
      expect(r.problems).toEqual([
        expect.objectContaining({
          column: 'media',
          message: expect.stringContaining('private or reserved address'),
          fix: expect.stringContaining('EGRESS_ALLOW_PRIVATE'),
        }),
      ]);
    }
    expect(checked.rows.map((r) => r.status)).toEqual([
      'valid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'valid',
    ]);

    // The redirect's target is only seen when fetching: that row fails, located, and nothing of it exists.
    await imports.confirm(access, preview.id, { queue: false });
    const done = await imports.run(preview.id);
    expect(done).toMatchObject({ importedRows: 1, failedRows: 1 });
    const after = await imports.rows(access, preview.id, { offset: 0, limit: 10, statuses: ['failed'] });
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]).toMatchObject({ row: 7, postId: null });
    expect(after.rows[0]!.problems).toEqual([
      expect.objectContaining({ column: 'media', message: expect.stringContaining('private or reserved') }),
    ]);
    expect((await t.posts()).map((p) => p.body)).toEqual(['Allowed host']);
    t.dropPublishJobs();
  });

  it('lets only people who may manage media bring media in by URL', async () => {
    const t = await setup('roles', ['Telegram news']);
    const token = await t.http.post('/api/v1/tokens', {
      name: 'posts only',
      workspaceIds: [t.workspaceId],
      permissions: ['posts.write', 'posts.read'],
    });
    expect(token.status, token.text).toBe(201);
    h.secrets.add(token.body.secret);
    const client = h.client();
    client.useToken(token.body.secret);
    const res = await client.post(`${t.base}/imports`, {
      fileName: 'token.csv',
      csv: `channel,text,media\nTelegram news,By URL,${web.url}/files/poster.png\n`,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.import.validRows).toBe(0);
    const rows = await client.get(`${t.base}/imports/${res.body.import.id}/rows`);
    expect(rows.body.rows[0].problems).toEqual([
      expect.objectContaining({ column: 'media', message: expect.stringContaining('may not') }),
    ]);
  });

  it('continues after an interruption without creating any row twice, even with two runs at once', async () => {
    const t = await setup('rerun', ['News']);
    const access = (await h.services.workspaces.accessOf(t.user.id, t.workspaceId))!;
    const lines = ['channel,text'];
    for (let i = 1; i <= 12; i++) lines.push(`News,Row ${i}`);
    const res = await t.preview(lines.join('\n'));
    await h.services.imports.confirm(access, res.body.import.id, { queue: false });
    // A run that stopped while creating row 2 (its post may or may not exist).
    const repo = new ImportsRepository(h.database.db);
    expect(await repo.claimRun(res.body.import.id)).toBeDefined();
    expect(await repo.claimRow(res.body.import.id, 2)).toBe(true);
    expect(await repo.claimRow(res.body.import.id, 2)).toBe(false);

    // The job runs again — twice at once, as when a run outlives its expiry.
    await Promise.all([
      h.services.imports.run(res.body.import.id),
      h.services.imports.run(res.body.import.id),
    ]);
    const done = await h.services.imports.get(access, res.body.import.id);
    // Row 2 is reported; the others are imported once (a row the second run found half-done while the first
    // was creating it may be reported too, never created twice).
    expect(done).toMatchObject({ status: 'finished', doneRows: 12 });
    expect(done.importedRows).toBeGreaterThanOrEqual(10);
    const rows = await t.rows(res.body.import.id);
    expect(rows[0]).toMatchObject({ row: 2, status: 'failed', postId: null });
    expect(rows[0]!.problems[0]!.message).toContain('interrupted');
    const bodies = (await t.posts()).map((p) => p.body).sort();
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(bodies.length).toBeGreaterThanOrEqual(done.importedRows);
    expect(bodies.length).toBeLessThanOrEqual(11);
    expect(bodies).not.toContain('Row 1');
  });

  it('forgets imports after 30 days, keeping the posts they created', async () => {
    const t = await setup('retention', ['News']);
    const done = await t.preview('channel,text\nNews,Kept post\n');
    await t.confirmAndRun(done.body.import.id);
    const pending = await t.preview('channel,text\nNews,Never confirmed\n');
    clock.advance(29 * 86_400_000);
    await t.http.login(t.email); // sessions end sooner than that
    const recent = await t.preview('channel,text\nNews,Checked recently\n');
    clock.advance(2 * 86_400_000);
    await h.services.jobs.send('imports.retention.v1', {});
    await h.runQueuedJobs('imports.retention.v1');
    await t.http.login(t.email);
    expect((await t.http.get(`${t.base}/imports/${done.body.import.id}`)).status).toBe(404);
    expect((await t.http.get(`${t.base}/imports/${pending.body.import.id}`)).status).toBe(404);
    expect((await t.http.get(`${t.base}/imports/${recent.body.import.id}`)).status).toBe(200);
    expect((await t.posts()).map((p) => p.body)).toEqual(['Kept post']);
  });
});
