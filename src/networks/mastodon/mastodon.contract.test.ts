import { defineNetworkContract } from '../contract-suite.js';
import { mastodonContractEnv } from './test-support/contract-env.js';

// Fails until the registry knows 'mastodon'; the cast keeps the type check clean until then (drop it after).
defineNetworkContract('mastodon', mastodonContractEnv);
