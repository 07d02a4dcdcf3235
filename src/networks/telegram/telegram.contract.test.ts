import { defineNetworkContract } from '../contract-suite.js';
import { telegramContractEnv } from './test-support/contract-env.js';

defineNetworkContract('telegram', telegramContractEnv);
