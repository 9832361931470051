// An ESM app that uses only @anthropic-ai/vertex-sdk: it never imports the main @anthropic-ai/sdk entry, only the
// SDK files the Vertex client builds on. For the end-to-end test that the register entry's ESM hook reaches them.
// The client reads ANTHROPIC_VERTEX_BASE_URL, CLOUD_ML_REGION and ANTHROPIC_VERTEX_PROJECT_ID; its Google
// credentials are a stand-in.
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';

const standInAuth = { projectId: 'stand-in-project', getRequestHeaders: async () => new Headers({ authorization: 'Bearer stand-in' }) };

async function main() {
  const vertex = new AnthropicVertex({ authClient: standInAuth });
  const message = await vertex.messages.create({
    model: 'claude-vertex-5-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Hello from Vertex AI only' }],
  });
  process.stdout.write(`${JSON.stringify({ results: [message.usage] })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
