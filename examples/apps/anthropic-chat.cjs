// A tiny Anthropic app (CommonJS) for the end-to-end tests; it knows nothing about OpenTelemetry.
const Anthropic = require('@anthropic-ai/sdk');
const { AnthropicVertex } = require('@anthropic-ai/vertex-sdk');
const { run } = require('./anthropic-calls.cjs');

run(Anthropic, AnthropicVertex).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
