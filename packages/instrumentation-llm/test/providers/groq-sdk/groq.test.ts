import { describe, expect, it } from 'vitest';
import { describeOpenAiFormatSdk } from '../openai-format-sdk/matrix';

describe('groq-sdk', () => {
  describeOpenAiFormatSdk({
    module: 'groq-sdk',
    provider: 'groq',
    // groq-sdk calls /openai/v1/… on its base URL, as on api.groq.com.
    client: (sdk, standIn) => new sdk.Groq({ apiKey: 'gsk_test-secret-key', baseURL: standIn.url, maxRetries: 0 }),
    chatModel: 'llama-3.3-70b-versatile',
    chatPriced: true,
    embeddingModel: 'nomic-embed-text-v1_5',
    stopReason: 'stop',
    // Groq states usage in x_groq.usage of the finish chunk (non-stream: usage); the stand-in records it either way.
    servedUsage: (u) => ({ input: u.prompt_tokens, output: u.completion_tokens }),
    embeddingUsage: true,
  });
});
