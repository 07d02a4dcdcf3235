import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { safeFetch } from '../egress/safe-fetch.js';
import type { AdapterDeps, HttpClient } from './contract.js';
import { NetworkError } from './errors.js';
import { createAdapter, networkDefinition, type NetworkId } from './registry.js';
import { capabilitiesOf } from './contract.js';

/**
 * The shared suite every adapter passes. `env` starts whatever the network is verified against (a real
 * local server or a local receiver that follows the network's published API) and says how to make it fail.
 * Outbound traffic is limited to the addresses the env names: any other request fails the suite.
 */
export interface ContractEnv {
  /** host:port pairs the adapter may reach (loopback servers of this test). */
  allow: string[];
  credential: unknown;
  /** A credential the network rejects (revoked, deleted, wrong). */
  revokedCredential: unknown;
  /** Texts the far side received, in order. */
  received(): Promise<string[]>;
  /** Make the next request fail the given way. */
  failNext(how: 'rate_limited' | 'server_error' | 'hang'): void;
  /** Values that must never appear in logs. */
  secrets: string[];
  /** Per-request time limit in this suite (a real server needs more than a local receiver). Default 1000 ms. */
  timeoutMs?: number;
  close(): Promise<void>;
}

export function defineNetworkContract(id: NetworkId, makeEnv: () => Promise<ContractEnv>): void {
  describe(`network contract: ${id}`, () => {
    let env: ContractEnv;
    const logLines: string[] = [];
    const violations: string[] = [];
    const clock = new ManualClock(new Date());
    let deps: AdapterDeps;

    beforeAll(async () => {
      env = await makeEnv();
      const http: HttpClient = (url, request) => {
        const u = new URL(url);
        if (!env.allow.includes(u.host)) {
          violations.push(url);
          return Promise.reject(new Error(`outbound request to ${u.host} is not allowed in this test`));
        }
        return safeFetch(
          url,
          { ...request, timeoutMs: Math.min(request.timeoutMs ?? 1000, env.timeoutMs ?? 1000) },
          { allowPrivate: false, allowList: env.allow },
        );
      };
      deps = { http, clock, logger: createLogger('trace', { write: (l: string) => void logLines.push(l) }) };
    });
    afterAll(async () => {
      await env?.close();
    });

    const adapter = (credential = env.credential) => createAdapter(id, credential, deps);
    const text = (label: string) => `Chorus contract ${label} ${Date.now()} — ünïcödé ✓ #tag`;

    it('declares metadata, limits and how it is verified', () => {
      const a = adapter();
      expect(a.metadata.id).toBe(id);
      expect(a.metadata.docsUrl).toMatch(/^https:\/\//);
      expect(['local_peer', 'local_receiver', 'fixtures']).toContain(a.metadata.verification);
      expect(a.limits.text.max).toBeGreaterThan(0);
      expect(a.limits.text.count('héllo')).toBe(5);
      expect(capabilitiesOf(a)).toEqual(networkDefinition(id).capabilities);
    });

    it('rejects a malformed credential with a readable error', () => {
      expect(() => networkDefinition(id).parseCredential({ nonsense: true })).toThrow();
    });

    it('enforces its declared limits before anything is sent', async () => {
      const a = adapter();
      const before = (await env.received()).length;
      const tooLong = 'x'.repeat(a.limits.text.max + 1);
      await expect(a.publisher!.publish({ idempotencyKey: 'too-long', text: tooLong })).rejects.toMatchObject(
        { kind: 'invalid_content' },
      );
      if (a.limits.media.maxItems === 0) {
        await expect(
          a.publisher!.publish({
            idempotencyKey: 'media',
            text: 'hi',
            media: [{ mimeType: 'image/png', bytes: new Uint8Array(10) }],
          }),
        ).rejects.toMatchObject({ kind: 'invalid_content' });
      }
      if (!a.limits.threads) {
        await expect(
          a.publisher!.publish({ idempotencyKey: 'thread', text: 'hi', thread: ['two'] }),
        ).rejects.toMatchObject({ kind: 'invalid_content' });
      }
      expect((await env.received()).length).toBe(before);
    });

    it('publishes, reads back and deletes where the network allows', async () => {
      const a = adapter();
      const body = text('publish');
      const result = await a.publisher!.publish({ idempotencyKey: `k-${Date.now()}`, text: body });
      expect(await env.received()).toContain(body);
      if (a.publisher!.readBack) {
        expect(result.remoteId).toBeTruthy();
        expect((await a.publisher!.readBack(result.remoteId!))?.text).toBe(body);
      }
      if (a.publisher!.delete && a.publisher!.readBack) {
        await a.publisher!.delete(result.remoteId!);
        expect(await a.publisher!.readBack(result.remoteId!)).toBeNull();
      }
    });

    it('maps a revoked credential to "reconnect required" with advice', async () => {
      const err = await adapter(env.revokedCredential)
        .publisher!.publish({ idempotencyKey: 'revoked', text: text('revoked') })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).kind).toBe('reconnect_required');
      expect((err as NetworkError).message).toMatch(/reconnect/i);
    });

    it('maps 429 to rate_limited with a reset time, and 5xx to transient', async () => {
      env.failNext('rate_limited');
      const limited = await adapter()
        .publisher!.publish({ idempotencyKey: 'rl', text: text('rl') })
        .catch((e: unknown) => e);
      expect((limited as NetworkError).kind).toBe('rate_limited');
      expect((limited as NetworkError).resetAt!.getTime()).toBeGreaterThan(clock.now().getTime());
      env.failNext('server_error');
      const broken = await adapter()
        .publisher!.publish({ idempotencyKey: '5xx', text: text('5xx') })
        .catch((e: unknown) => e);
      expect((broken as NetworkError).kind).toBe('transient');
    });

    it('calls a timeout after sending an unknown outcome, never a failure to retry', async () => {
      env.failNext('hang');
      const err = await adapter()
        .publisher!.publish({ idempotencyKey: 'hang', text: text('hang') })
        .catch((e: unknown) => e);
      expect((err as NetworkError).kind).toBe('unknown_outcome');
    });

    it('keeps secrets out of logs and never leaves the allowed addresses', () => {
      const logs = logLines.join('\n');
      for (const s of env.secrets) expect(logs).not.toContain(s);
      expect(violations).toEqual([]);
    });
  });
}
