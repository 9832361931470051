// A tiny OpenAI app (ESM) for the register end-to-end tests; it knows nothing about OpenTelemetry.
// The SDK reads OPENAI_BASE_URL and OPENAI_API_KEY itself.
import OpenAI from 'openai';
import calls from './openai-calls.cjs';

calls.run(OpenAI).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
