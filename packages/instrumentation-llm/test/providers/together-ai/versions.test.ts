import { describeSdkVersions } from '../openai-format-sdk/versions';

// together-ai >=0.6.0 <1: 0.6 and 0.33 from test/.sdk, the repo's 0.52.
describeSdkVersions({
  module: 'together-ai',
  provider: 'together_ai',
  client: (sdk, standIn) => new (sdk.Together ?? sdk.default)({ apiKey: 'tgp_test-secret-key', baseURL: `${standIn.url}/together/v1`, maxRetries: 0 }),
  chatModel: 'Qwen/Qwen2.5-72B-Instruct-Turbo',
  stopReason: 'eos',
});
