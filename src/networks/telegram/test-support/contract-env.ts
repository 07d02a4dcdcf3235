import { startFaultProxy } from '../../../../test/support/fault-proxy.js';
import type { ContractEnv } from '../../contract-suite.js';
import { startTelegramEmulator, startTokenGate } from './emulator.js';

/** Made-up tokens in the Bot API format (`<bot id>:<35 characters>`); only the local emulator sees them. */
export const TEST_TOKEN = '7000000001:AAE-contract-test-token-0123456789ab';
export const REVOKED_TOKEN = '7000000001:AAH-revoked-test-token-0123456789ab';
export const TEST_CHAT = '-1001234567890';

/**
 * The contract suite against the telegram-test-api emulator: adapter → fault proxy (429, 502, hang) →
 * token gate (401 for the revoked token) → emulator. `received()` is what the emulator stored as sent.
 */
export async function telegramContractEnv(): Promise<ContractEnv> {
  const emulator = await startTelegramEmulator();
  const gate = await startTokenGate(emulator.url, REVOKED_TOKEN);
  const proxy = await startFaultProxy(gate.url);
  return {
    allow: [proxy.host],
    credential: { botToken: TEST_TOKEN, chatId: TEST_CHAT, apiBase: proxy.url },
    revokedCredential: { botToken: REVOKED_TOKEN, chatId: TEST_CHAT, apiBase: proxy.url },
    received: async () => emulator.sent(TEST_TOKEN).map((m) => m.text ?? ''),
    failNext: proxy.failNext,
    secrets: [TEST_TOKEN, REVOKED_TOKEN, TEST_TOKEN.split(':')[1]!, REVOKED_TOKEN.split(':')[1]!],
    timeoutMs: 2000,
    close: async () => {
      await proxy.close();
      await gate.close();
      await emulator.close();
    },
  };
}
