// A tiny Google Gen AI app (ESM) for the register end-to-end tests; it knows nothing about OpenTelemetry.
// The SDK reads GEMINI_API_KEY and GOOGLE_GEMINI_BASE_URL itself.
import { GoogleGenAI } from '@google/genai';
import calls from './google-genai-calls.cjs';

calls.run({ GoogleGenAI }).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
