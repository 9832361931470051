/**
 * End-to-end: the zero-code ESM entry (`node --import @tokenpath/instrumentation-llm/register`) with the long-tail
 * SDKs (groq-sdk, together-ai, ollama, cohere-ai, and @mistralai/mistralai 2.x, which ships ES modules only) in child
 * processes, the stand-in and the real OTLP exporters delivering to a receiver started here: one CLIENT span per call
 * with the provider's name and exactly the tokens the stand-in served, and token metrics that add up to them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGISTER, appEnv, appResults, expectCleanRun, expectExportedCalls, runApp, useScenario } from './support.js';
// @ts-expect-error -- plain ESM script (no declaration file)
import { installSdkVersions, sdkDir } from '../support/sdk-versions.mjs';

const APP = 'test/e2e/long-tail/app.mjs';
const SERVICE_NAME = 'e2e-long-tail-app';
const MISTRAL = '@mistralai/mistralai';
const MISTRAL_VERSION = '2.7.0';

type Usage = Record<string, any>;
interface Case {
  sdk: string;
  provider: string;
  spans: string[];
  /** Input and output tokens of what the stand-in served, as the conventions count them. */
  tokens(usage: Usage): { input?: number; output?: number };
  /** The model the price table has no price for (tokenpath says so once on stderr), if any. */
  unpriced?: string;
}

const openaiTokens = (u: Usage) => ({ input: u.prompt_tokens, output: u.completion_tokens });
const CASES: Case[] = [
  { sdk: 'groq-sdk', provider: 'groq', spans: ['chat llama-3.3-70b-versatile', 'chat llama-3.3-70b-versatile'], tokens: openaiTokens },
  {
    sdk: 'together-ai',
    provider: 'together_ai',
    spans: ['chat Qwen/Qwen2.5-72B-Instruct-Turbo', 'chat Qwen/Qwen2.5-72B-Instruct-Turbo'],
    tokens: openaiTokens,
    unpriced: 'Qwen/Qwen2.5-72B-Instruct-Turbo',
  },
  {
    sdk: 'ollama',
    provider: 'ollama',
    spans: ['chat llama3.2', 'chat llama3.2'],
    // Self-hosted: no list price, and so no message at the default log level either.
    tokens: (u) => ({ input: u.prompt_eval_count, output: u.eval_count }),
  },
  {
    sdk: 'cohere-ai',
    provider: 'cohere',
    spans: ['chat command-r', 'chat command-r'],
    tokens: (u) => ({ input: u.billed_units.input_tokens, output: u.billed_units.output_tokens }),
  },
  { sdk: MISTRAL, provider: 'mistral_ai', spans: ['chat mistral-small-latest', 'chat mistral-small-latest'], tokens: openaiTokens },
];

const scenario = useScenario();
let mistralEntry: string;

beforeAll(async () => {
  const [installed] = await installSdkVersions([`${MISTRAL}@${MISTRAL_VERSION}`], { log: (m: string) => console.log(m) });
  expect(installed.version).toBe(MISTRAL_VERSION);
  mistralEntry = pathToFileURL(path.join(sdkDir(MISTRAL, MISTRAL_VERSION), 'node_modules', MISTRAL, 'esm', 'index.js')).href;
}, 5 * 60_000);

describe('register entry (--import) with the long-tail SDKs: spans and exact token metrics from a child process', () => {
  it.each(CASES)('$sdk', async ({ sdk, provider, spans: names, tokens, unpriced }) => {
    const { receiver, standIn } = scenario;
    const env = appEnv(receiver.url, SERVICE_NAME, { LONG_TAIL_SDK: sdk, STAND_IN_URL: standIn.url, MISTRAL_SDK_ENTRY: mistralEntry });
    // Generous: loading the SDKs (Mistral 2.x's ES modules above all) takes seconds on a busy machine.
    const exit = await runApp(['--import', REGISTER, APP], env, 40_000);
    // The only line tokenpath may write: once, that a model has no price (src/core/cost.ts).
    const priceLine = unpriced && exit.stderr.split('\n').find((l) => l.includes(`no price for model "${unpriced}" of provider "${provider}"`));
    expectCleanRun({ ...exit, stderr: priceLine ? exit.stderr.replace(`${priceLine}\n`, '') : exit.stderr });
    if (unpriced) expect(priceLine, exit.stderr).toBeDefined();
    expect(appResults(exit.stdout)).toHaveLength(2);

    expect(names).toHaveLength(2);
    await expectExportedCalls(receiver, {
      names,
      calls: standIn.served.map((s) => tokens(s.usage!)),
      serviceName: SERVICE_NAME,
      attributes: { 'gen_ai.provider.name': provider, 'server.address': '127.0.0.1' },
      secret: 'e2e-secret-key',
    });
  }, 60_000);
});
