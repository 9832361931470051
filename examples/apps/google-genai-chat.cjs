// A tiny Google Gen AI app (CommonJS) for the register end-to-end tests; it knows nothing about OpenTelemetry.
// The SDK reads GEMINI_API_KEY and GOOGLE_GEMINI_BASE_URL itself.
const genai = require('@google/genai');
const { run } = require('./google-genai-calls.cjs');

run(genai).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
