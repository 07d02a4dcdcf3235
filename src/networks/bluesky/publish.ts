import { z } from 'zod';
import type { MediaItem, PostOptionsSpec, Publisher, PublishRequest } from '../contract.js';
import { NetworkError } from '../errors.js';
import type { BlueskyClient } from './client.js';
import { detectFacets } from './facets.js';
import { CreatedRecord, Record as RecordView, ResolvedHandle, UploadedBlob } from './schemas.js';
import { tidFor } from './tid.js';

const POST = 'app.bsky.feed.post';

interface Ref {
  uri: string;
  cid: string;
}

/** Options a Bluesky variant may carry. */
export interface BlueskyPostOptions {
  replyTo?: { parent: Ref; root: Ref };
  linkCard?: { uri: string; title: string; description?: string };
  langs?: string[];
}

// app.bsky.feed.post `langs`: up to 3 BCP-47 language tags.
const Langs = z.array(z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/)).max(3);

/** What the composer offers for a Bluesky variant (reply targets and link cards come from the API only). */
export const blueskyPostOptions: PostOptionsSpec = {
  fields: [
    {
      name: 'langs',
      label: 'Languages',
      kind: 'languages',
      max: 3,
      help: 'Up to 3 language codes, such as en or pt-BR, so feeds and translations find the post.',
    },
  ],
  apiOnly: ['replyTo', 'linkCard'],
  check(request) {
    const langs = (request.options ?? {}).langs;
    if (langs === undefined || Langs.safeParse(langs).success) return [];
    return [
      {
        field: 'options',
        option: 'langs',
        message: 'Bluesky languages are up to 3 language codes such as en or pt-BR.',
      },
    ];
  },
};

function parseAtUri(uri: string): { repo: string; collection: string; rkey: string } {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) throw new NetworkError('bluesky', 'invalid_content', `Not a Bluesky post address: ${uri}`);
  return { repo: m[1]!, collection: m[2]!, rkey: m[3]! };
}

export function blueskyPublisher(client: BlueskyClient): Publisher {
  async function existing(repo: string, rkey: string): Promise<Ref | null> {
    try {
      const r = RecordView.parse(
        await client.call('GET', 'com.atproto.repo.getRecord', { params: { repo, collection: POST, rkey } }),
      );
      return r.cid ? { uri: r.uri, cid: r.cid } : null;
    } catch (error) {
      if (
        error instanceof NetworkError &&
        (error.status === 400 || error.status === 404) &&
        error.kind === 'invalid_content'
      )
        return null;
      throw error;
    }
  }

  async function facetsFor(text: string) {
    const { facets, mentions } = detectFacets(text);
    const resolved = [];
    for (const m of mentions) {
      try {
        const r = ResolvedHandle.parse(
          await client.call('GET', 'com.atproto.identity.resolveHandle', { params: { handle: m.handle } }),
        );
        m.facet.features = [{ $type: 'app.bsky.richtext.facet#mention', did: r.did }];
        resolved.push(m.facet);
      } catch {
        // An unknown handle stays plain text.
      }
    }
    return [...facets, ...resolved].sort((a, b) => a.index.byteStart - b.index.byteStart);
  }

  async function upload(media: readonly MediaItem[]) {
    const images = [];
    for (const m of media) {
      const up = UploadedBlob.parse(
        await client.call('POST', 'com.atproto.repo.uploadBlob', { bytes: m.bytes, contentType: m.mimeType }),
      );
      images.push({ image: up.blob, alt: m.altText ?? '' });
    }
    return images;
  }

  /** Creates one record under a caller-chosen key; if that key already holds a record, that is the post. */
  async function createOnce(repo: string, rkey: string, record: object): Promise<Ref> {
    const before = await existing(repo, rkey);
    if (before) return before;
    try {
      return CreatedRecord.parse(
        await client.call('POST', 'com.atproto.repo.createRecord', {
          json: { repo, collection: POST, rkey, record },
        }),
      );
    } catch (error) {
      // The request reached Bluesky; whether it was written is only known by reading back the key.
      if (error instanceof NetworkError && (error.kind === 'transient' || error.kind === 'unknown_outcome')) {
        const after = await existing(repo, rkey).catch(() => null);
        if (after) return after;
        throw new NetworkError(
          'bluesky',
          'unknown_outcome',
          `${error.message} Chorus will check record ${rkey} before sending again.`,
          error.status !== undefined ? { status: error.status } : {},
        );
      }
      throw error;
    }
  }

  return {
    // Every part is created under a record key derived from the idempotency key, read before it is written.
    replaySafeForMs: Number.POSITIVE_INFINITY,

    async find(request: PublishRequest) {
      const session = await client.session();
      const ref = await existing(session.did, tidFor(request.idempotencyKey));
      if (!ref) return null;
      const { rkey } = parseAtUri(ref.uri);
      return { remoteId: ref.uri, url: `https://bsky.app/profile/${session.handle}/post/${rkey}` };
    },

    async publish(request: PublishRequest) {
      const session = await client.session();
      const options = (request.options ?? {}) as BlueskyPostOptions;
      const parts = [request.text, ...(request.thread ?? [])];
      const images = request.media && request.media.length > 0 ? await upload(request.media) : [];
      let root: Ref | undefined = options.replyTo?.root;
      let parent: Ref | undefined = options.replyTo?.parent;
      let first: Ref | undefined;
      for (const [i, text] of parts.entries()) {
        const record: Record<string, unknown> = {
          $type: POST,
          text,
          createdAt: new Date().toISOString(),
          facets: await facetsFor(text),
          ...(options.langs ? { langs: options.langs } : {}),
          ...(root && parent ? { reply: { root, parent } } : {}),
        };
        if (i === 0 && images.length > 0) record.embed = { $type: 'app.bsky.embed.images', images };
        else if (i === 0 && options.linkCard) {
          record.embed = {
            $type: 'app.bsky.embed.external',
            external: {
              uri: options.linkCard.uri,
              title: options.linkCard.title,
              description: options.linkCard.description ?? '',
            },
          };
        }
        const ref = await createOnce(
          session.did,
          tidFor(i === 0 ? request.idempotencyKey : `${request.idempotencyKey}:${i}`),
          record,
        );
        first ??= ref;
        root ??= ref;
        parent = ref;
      }
      const { rkey } = parseAtUri(first!.uri);
      return { remoteId: first!.uri, url: `https://bsky.app/profile/${session.handle}/post/${rkey}` };
    },

    async readBack(remoteId: string) {
      const { repo, rkey } = parseAtUri(remoteId);
      try {
        const r = RecordView.parse(
          await client.call('GET', 'com.atproto.repo.getRecord', {
            params: { repo, collection: POST, rkey },
          }),
        );
        return { remoteId: r.uri, text: r.value.text ?? '', url: null };
      } catch (error) {
        if (error instanceof NetworkError && (error.status === 400 || error.status === 404)) return null;
        throw error;
      }
    },

    async delete(remoteId: string) {
      const { repo, rkey } = parseAtUri(remoteId);
      await client.call('POST', 'com.atproto.repo.deleteRecord', { json: { repo, collection: POST, rkey } });
    },
  };
}
