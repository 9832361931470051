// `npm run demo`: the example app under `--require @tokenpath/instrumentation-llm/register`, offline
// against the local OpenAI stand-in, exporting over OTLP to a receiver that shows what was metered.
// `npm run demo -- --live` talks to api.openai.com instead (needs OPENAI_API_KEY; real tokens are spent).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStandIn } from '../llm-stand-in/server.mjs';
import { startTokenSummary } from './token-summary.mjs';

const live = process.argv.includes('--live');
if (live && !process.env.OPENAI_API_KEY) {
  console.error('--live needs OPENAI_API_KEY in the environment.');
  process.exit(2);
}

const standIn = live ? undefined : await startStandIn();
const summary = await startTokenSummary({
  onSpan: ({ name, attributes: a }) =>
    console.log(
      `  span  ${name.padEnd(36)} input=${a['gen_ai.usage.input_tokens'] ?? '-'} output=${a['gen_ai.usage.output_tokens'] ?? '-'}` +
        (a['gen_ai.response.time_to_first_chunk'] !== undefined ? ` ttfc=${(a['gen_ai.response.time_to_first_chunk'] * 1000).toFixed(1)}ms` : ''),
    ),
});

const env = {
  ...process.env,
  OTEL_SERVICE_NAME: 'tokenpath-demo',
  OTEL_EXPORTER_OTLP_ENDPOINT: summary.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_LOGS_EXPORTER: 'none',
  ...(standIn ? { OPENAI_BASE_URL: `${standIn.url}/v1`, OPENAI_API_KEY: 'stand-in-key' } : {}),
};
console.log(live ? 'Calling api.openai.com…' : `Calling the local OpenAI stand-in at ${standIn.url}…`);
const app = spawn(process.execPath, ['--require', '@tokenpath/instrumentation-llm/register', fileURLToPath(new URL('./app.cjs', import.meta.url))], {
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const code = await new Promise((resolve) => app.on('exit', (c) => resolve(c ?? 1)));

console.log('\nTokens metered (gen_ai.client.token.usage, exported over OTLP at exit):');
console.log('  model                          type     tokens  calls');
for (const row of summary.usage().sort((a, b) => `${a.model}${a.type}`.localeCompare(`${b.model}${b.type}`))) {
  console.log(`  ${String(row.model).padEnd(30)} ${String(row.type).padEnd(7)} ${String(row.tokens).padStart(7)}  ${row.calls}`);
}
console.log(`  ${summary.calls()} calls timed (gen_ai.client.operation.duration)`);
if (standIn) {
  const billed = standIn.served.reduce(
    (t, s) => ({
      input: t.input + (s.usage?.prompt_tokens ?? s.usage?.input_tokens ?? 0),
      output: t.output + (s.usage?.completion_tokens ?? s.usage?.output_tokens ?? 0),
    }),
    { input: 0, output: 0 },
  );
  const metered = summary.usage().reduce((t, r) => ({ ...t, [r.type]: t[r.type] + r.tokens }), { input: 0, output: 0 });
  const exact = billed.input === metered.input && billed.output === metered.output;
  console.log(`\nThe stand-in reported ${billed.input} input and ${billed.output} output tokens on the wire: ${exact ? 'metered exactly' : 'MISMATCH'}.`);
  if (!exact) process.exitCode = 1;
  await standIn.close();
}
await summary.close();
if (code !== 0) process.exitCode = code;
