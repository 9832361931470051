// Runs an example against the local LLM stand-in unless you set the provider's API key:
//
//   node examples/with-provider.mjs <node arguments...>
//   node examples/with-provider.mjs --require @tokenpath/instrumentation-llm/register examples/apps/openai-chat.cjs
//
// Per provider, decided by its key alone:
//   OpenAI     OPENAI_API_KEY unset    -> stand-in: OPENAI_BASE_URL=<stand-in>/v1, OPENAI_API_KEY=stand-in
//              OPENAI_API_KEY set      -> the real API (or your OPENAI_BASE_URL); real tokens are spent
//   Anthropic  ANTHROPIC_API_KEY unset -> stand-in: ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY=stand-in, and the
//                                         Vertex AI client's ANTHROPIC_VERTEX_BASE_URL / CLOUD_ML_REGION /
//                                         ANTHROPIC_VERTEX_PROJECT_ID
//              ANTHROPIC_API_KEY set   -> the real API (or your ANTHROPIC_BASE_URL); the apps' Vertex AI call is
//                                         skipped unless ANTHROPIC_VERTEX_BASE_URL is set, and their models become
//                                         APP_ANTHROPIC_MODEL (default claude-haiku-4-5; the stand-in's model names
//                                         are fictional)
// The stand-in (examples/llm-stand-in/, 127.0.0.1, random port) is started only if some provider needs it and stops
// with the app. A line on stderr says which provider goes where. The exit code is the app's.
// Telemetry goes wherever the OTEL_* variables say (OTLP to localhost:4318 by default; OTEL_TRACES_EXPORTER=console
// and OTEL_METRICS_EXPORTER=console print it instead).
import { spawn } from 'node:child_process';
import { startStandIn } from './llm-stand-in/server.mjs';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node examples/with-provider.mjs <node arguments...>');
  process.exit(2);
}

const env = { ...process.env };
const live = { openai: Boolean(env.OPENAI_API_KEY), anthropic: Boolean(env.ANTHROPIC_API_KEY) };
const standIn = live.openai && live.anthropic ? undefined : await startStandIn();

if (live.openai) {
  console.error(`with-provider: OpenAI -> ${env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'} (OPENAI_API_KEY is set)`);
} else {
  Object.assign(env, { OPENAI_BASE_URL: `${standIn.url}/v1`, OPENAI_API_KEY: 'stand-in' });
  console.error(`with-provider: OpenAI -> stand-in ${standIn.url} (set OPENAI_API_KEY for the real API)`);
}
if (live.anthropic) {
  env.APP_ANTHROPIC_MODEL ??= 'claude-haiku-4-5';
  console.error(`with-provider: Anthropic -> ${env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com'} (ANTHROPIC_API_KEY is set)`);
} else {
  Object.assign(env, {
    ANTHROPIC_BASE_URL: standIn.url,
    ANTHROPIC_API_KEY: 'stand-in',
    ANTHROPIC_VERTEX_BASE_URL: `${standIn.url}/v1`,
    CLOUD_ML_REGION: 'us-east5',
    ANTHROPIC_VERTEX_PROJECT_ID: 'stand-in-project',
  });
  delete env.ANTHROPIC_AUTH_TOKEN;
  console.error(`with-provider: Anthropic -> stand-in ${standIn.url} (set ANTHROPIC_API_KEY for the real API)`);
}

const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])));
await standIn?.close();
process.exitCode = code ?? (signal ? 128 : 1);
