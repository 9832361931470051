import { describe } from 'vitest';
import { describeOpenAiFormatSdk } from '../openai-format-sdk/matrix';

describe('together-ai', () => {
  describeOpenAiFormatSdk({
    module: 'together-ai',
    provider: 'together_ai',
    client: (sdk, standIn) => new sdk.Together({ apiKey: 'tgp_test-secret-key', baseURL: `${standIn.url}/together/v1`, maxRetries: 0 }),
    chatModel: 'Qwen/Qwen2.5-72B-Instruct-Turbo',
    embeddingModel: 'BAAI/bge-base-en-v1.5',
    stopReason: 'eos',
    servedUsage: (u) => ({ input: u.prompt_tokens, output: u.completion_tokens }),
    embeddingUsage: false,
  });
});
