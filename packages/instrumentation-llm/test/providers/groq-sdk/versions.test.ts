import { describeSdkVersions } from '../openai-format-sdk/versions';

// groq-sdk >=0.5.0 <2: 0.5 and the newest 0.x from test/.sdk, the repo's 1.x.
describeSdkVersions({
  module: 'groq-sdk',
  provider: 'groq',
  client: (sdk, standIn) => new (sdk.Groq ?? sdk.default)({ apiKey: 'gsk_test-secret-key', baseURL: standIn.url, maxRetries: 0 }),
  chatModel: 'llama-3.3-70b-versatile',
  stopReason: 'stop',
});
