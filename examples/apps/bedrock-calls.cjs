// The calls the Bedrock example apps make, shared by the CommonJS and the ESM app (each loads
// `@aws-sdk/client-bedrock-runtime` its own way, which is what the register end-to-end tests are about).
// The endpoint comes from the SDK's own AWS_ENDPOINT_URL_BEDROCK_RUNTIME variable; the credentials are static
// test values. Prints {"results": [usage as the app sees it, ...]}.
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

async function run(sdk) {
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  const decode = (bytes) => JSON.parse(Buffer.from(bytes).toString('utf8'));
  const results = [];

  const converse = await client.send(new sdk.ConverseCommand({
    modelId: 'amazon.nova-micro-v1:0',
    messages: [{ role: 'user', content: [{ text: 'Say hello to the end-to-end test' }] }],
  }));
  results.push(converse.usage);

  const stream = await client.send(new sdk.ConverseStreamCommand({
    modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    messages: [{ role: 'user', content: [{ text: 'Stream a short answer please' }] }],
  }));
  let streamUsage = null;
  for await (const event of stream.stream) if (event.metadata) streamUsage = event.metadata.usage;
  results.push(streamUsage);

  const invoked = await client.send(new sdk.InvokeModelCommand({
    modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    body: JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What does the register entry do?' }],
    }),
  }));
  results.push(decode(invoked.body).usage);

  const invokedStream = await client.send(new sdk.InvokeModelWithResponseStreamCommand({
    modelId: 'mistral.mistral-7b-instruct-v0:2',
    body: JSON.stringify({ prompt: 'Tell me about metering', max_tokens: 100 }),
  }));
  let metrics = null;
  for await (const event of invokedStream.body) metrics = decode(event.chunk.bytes)['amazon-bedrock-invocationMetrics'] ?? metrics;
  results.push(metrics);

  client.destroy();
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

module.exports = { run };
