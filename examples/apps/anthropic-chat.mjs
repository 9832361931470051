// A tiny Anthropic app (ESM) for the end-to-end tests; it knows nothing about OpenTelemetry.
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import calls from './anthropic-calls.cjs';

calls.run(Anthropic, AnthropicVertex).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
