/**
 * tokenpath next to other GenAI instrumentations, in real processes: the app's own preload (test/e2e/fixtures/
 * peers-preload.{cjs,mjs}) sets up its tracer and meter providers with contrib's @opentelemetry/instrumentation-openai
 * 0.22 or OpenLLMetry's @traceloop/instrumentation-openai 0.27, and tokenpath's register entry comes after it
 * (`--require` / `--import`). The app calls the OpenAI stand-in with openai 6 (both peers cap their range below 7),
 * and every exporter delivers to one OTLP receiver, so the assertions can split the telemetry by scope:
 * - the peer's spans and token points still arrive (tokenpath silences nobody);
 * - tokenpath's spans and token points carry exactly the tokens the stand-in served;
 * - the README's query, token sums over scope @tokenpath/instrumentation-llm, counts each call once, while
 *   summing over every scope counts the calls the peer meters twice;
 * - the diag logger names the peer once; in ESM, no "import-in-the-middle hook has already been initialized".
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMetric } from '../support/otlp-receiver.js';
// @ts-expect-error -- untyped .mjs module
import { installSdkVersions } from '../support/sdk-versions.mjs';
import {
  REGISTER,
  REPO_ROOT,
  SPAN_KIND_CLIENT,
  TOKEN_USAGE,
  appEnv,
  appResults,
  runApp,
  telemetryArrived,
  tokensOf,
  useBaseline,
  useScenario,
  type Exit,
} from './support.js';

const OPENAI_VERSION = '6.49.0';
const TOKENPATH_SCOPE = '@tokenpath/instrumentation-llm';
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';
const OPENLLMETRY_SCOPE = '@traceloop/instrumentation-openai';
/** OpenInference is no dependency of the repo: installed under test/.sdk like the SDK versions. */
const OPENINFERENCE_SCOPE = '@arizeai/openinference-instrumentation-openai';
const OPENINFERENCE_VERSION = '4.2.7';
let openinferencePackage: string;

/** What openai-chat.{cjs,mjs} call: one non-stream chat, one stream, one embeddings, one Responses call. */
const CHAT_APP_SPANS = ['chat gpt-4o-mini', 'chat gpt-4.1-nano', 'embeddings text-embedding-3-small', 'chat gpt-4o'];

/** The app and the preloads, copied next to openai 6 so that `openai` there (app and preload alike) is 6.x. */
const APP_DIR = path.join(REPO_ROOT, 'test', '.sdk', 'openai@6', 'peers-app');
const app = (file: string): string => path.join(APP_DIR, file);

const scenario = useScenario();

beforeAll(async () => {
  const [openai, openinference] = await installSdkVersions([`openai@${OPENAI_VERSION}`, `${OPENINFERENCE_SCOPE}@${OPENINFERENCE_VERSION}`]);
  expect(openai.version).toBe(OPENAI_VERSION);
  expect(openinference.version).toBe(OPENINFERENCE_VERSION);
  openinferencePackage = openinference.packageDir;
  mkdirSync(APP_DIR, { recursive: true });
  for (const file of ['openai-chat.cjs', 'openai-chat.mjs', 'openai-calls.cjs']) {
    copyFileSync(path.join(REPO_ROOT, 'examples', 'apps', file), app(file));
  }
  for (const file of ['peers-sdk.cjs', 'peers-preload.cjs', 'peers-preload.mjs', 'other-iitm-copy-preload.mjs']) {
    copyFileSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', file), app(file));
  }
}, 300_000);

/** The app's output without any instrumentation (after the copy above: hooks run in order). */
const baselines = useBaseline(
  [app('openai-chat.cjs')],
  (standIn, receiverUrl) =>
    appEnv(receiverUrl, 'peers-app', { OPENAI_BASE_URL: `${standIn.url}/v1`, OPENAI_API_KEY: 'sk-e2e-not-a-real-key' }),
  (results, standIn) => expect(results).toEqual(standIn.served.map((s) => s.usage)),
);
const baseline = (): unknown[] => baselines[app('openai-chat.cjs')]!;

/** The app's environment: the stand-in, the receiver for both tokenpath and the app's own exporters, PEERS. */
function env(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const { standIn, receiver } = scenario;
  return appEnv(receiver.url, 'peers-app', {
    OPENAI_BASE_URL: `${standIn.url}/v1`,
    OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
    PEERS_OTLP_URL: receiver.url,
    ...vars,
  });
}

/** Input and output tokens the stand-in served, summed over the calls. */
function servedTotals(): { input: number; output: number } {
  const totals = { input: 0, output: 0 };
  for (const served of scenario.standIn.served) {
    const { input, output } = tokensOf(served.usage);
    totals.input += input ?? 0;
    totals.output += output ?? 0;
  }
  return totals;
}

/** The token-usage metric one scope exported last (each process exports once, at exit). */
function tokenMetricOf(scope: string): ReceivedMetric | undefined {
  return scenario.receiver.metrics.filter((m) => m.name === TOKEN_USAGE && m.scope.name === scope).at(-1);
}

/** Token sums per type over the points of the given scopes: what a backend query filtered by scope returns. */
function tokenSums(scopes: readonly string[]): { input: number; output: number } {
  const sums = { input: 0, output: 0 };
  for (const scope of scopes) {
    for (const point of tokenMetricOf(scope)?.points ?? []) {
      const type = point.attributes['gen_ai.token.type'] as 'input' | 'output';
      sums[type] += point.sum ?? 0;
    }
  }
  return sums;
}

function spanNamesOf(scope: string): string[] {
  return scenario.receiver.spans.filter((s) => s.scope.name === scope).map((s) => s.name).sort();
}

/** Lines of the app's stderr (where the console diag logger writes warnings) that name `peer` as found. */
function peerLines(exit: Exit, peer: string): string[] {
  return exit.stderr.split('\n').filter((l) => l.includes(`tokenpath: ${peer} (`));
}

/** The peer is named once, no other instrumentation is named, and Node printed no warning (import-in-the-middle's). */
function expectOnlyPeerLine(exit: Exit, peer: string): void {
  expect(peerLines(exit, peer)).toHaveLength(1);
  expect(exit.stderr.split('\n').filter((l) => l.includes('also instruments this process'))).toEqual(peerLines(exit, peer));
  expectNoNodeWarning(exit);
}

/** No "(node:PID) Warning: ..." line, e.g. "The 'import-in-the-middle' hook has already been initialized". */
function expectNoNodeWarning(exit: Exit): void {
  expect(exit.stderr).not.toMatch(/\(node:\d+\) Warning|has already been initialized/);
}

/** tokenpath's own telemetry: one CLIENT span per served call with exactly its tokens, and exact token sums. */
function expectTokenpathExact(): void {
  const { standIn, receiver } = scenario;
  const spans = receiver.spans.filter((s) => s.scope.name === TOKENPATH_SCOPE);
  expect(spans.map((s) => s.name).sort()).toEqual([...CHAT_APP_SPANS].sort());
  for (const span of spans) {
    const i = standIn.requests.findIndex((r) => r.body.model === span.attributes['gen_ai.request.model']);
    const served = tokensOf(standIn.served[i]!.usage);
    expect(span.kind).toBe(SPAN_KIND_CLIENT);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(served.input);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served.output);
  }
  expect(tokenSums([TOKENPATH_SCOPE])).toEqual(servedTotals());
}

/** Runs the app under `nodeArgs` and waits for both tokenpath's and the peer's spans. */
async function run(nodeArgs: string[], vars: Record<string, string | undefined>, spans: number): Promise<Exit> {
  const exit = await runApp(nodeArgs, env(vars), 20_000);
  expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
  await telemetryArrived(scenario.receiver, spans, CHAT_APP_SPANS.length);
  expect(appResults(exit.stdout)).toEqual(baseline());
  return exit;
}

describe.each([
  { module: 'CommonJS', flag: '--require', preload: 'peers-preload.cjs', entry: 'openai-chat.cjs' },
  { module: 'ESM', flag: '--import', preload: 'peers-preload.mjs', entry: 'openai-chat.mjs' },
])('$module app, peers preloaded with $flag before tokenpath', ({ flag, preload, entry }) => {
  it("keeps contrib's openai spans and token metrics, and adds tokenpath's with the exact tokens", async () => {
    const exit = await run([flag, app(preload), flag, REGISTER, app(entry)], { PEERS: 'contrib' }, 8);

    // contrib is not silenced: its four spans and its token points, with the served totals.
    expect(spanNamesOf(CONTRIB_SCOPE)).toEqual([...CHAT_APP_SPANS].sort());
    expect(tokenSums([CONTRIB_SCOPE])).toEqual(servedTotals());
    expectTokenpathExact();

    // The README's query (sum over tokenpath's scope) counts each call once; all scopes together count twice.
    const served = servedTotals();
    expect(tokenSums([TOKENPATH_SCOPE, CONTRIB_SCOPE])).toEqual({ input: 2 * served.input, output: 2 * served.output });

    expectOnlyPeerLine(exit, CONTRIB_SCOPE); // and so no import-in-the-middle warning in ESM
  });

  it("keeps OpenLLMetry's openai spans, and adds tokenpath's with the exact tokens", async () => {
    // OpenLLMetry traces chat and Responses calls (no embeddings) and records no metrics.
    const exit = await run([flag, app(preload), flag, REGISTER, app(entry)], { PEERS: 'openllmetry' }, 7);

    const calls = scenario.standIn.requests.map((r) => r.body.model);
    const traced = scenario.receiver.spans.filter((s) => s.scope.name === OPENLLMETRY_SCOPE);
    expect(traced.map((s) => s.name).sort()).toEqual(['chat gpt-4.1-nano', 'chat gpt-4o', 'chat gpt-4o-mini']);
    const nonStream = traced.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(nonStream.attributes['gen_ai.usage.input_tokens']).toBe(tokensOf(scenario.standIn.served[calls.indexOf('gpt-4o-mini')]!.usage).input);
    expect(tokenMetricOf(OPENLLMETRY_SCOPE)).toBeUndefined();
    expectTokenpathExact();

    expectOnlyPeerLine(exit, OPENLLMETRY_SCOPE);
  });
});

describe.each([
  { module: 'CommonJS', flag: '--require', preload: 'peers-preload.cjs', entry: 'openai-chat.cjs' },
  { module: 'ESM', flag: '--import', preload: 'peers-preload.mjs', entry: 'openai-chat.mjs' },
])('$module app, tokenpath registered before the app preload', ({ flag, preload, entry }) => {
  // The app's own global registrations then fail (tokenpath's SDK registered first; the app's problem, kept quiet
  // here with OTEL_LOG_LEVEL=none); contrib reports to the providers it was given, and wraps on top of tokenpath.
  it('keeps both instrumentations recording, with no import-in-the-middle warning for the later hook', async () => {
    const exit = await runApp(
      [flag, REGISTER, flag, app(preload), app(entry)],
      env({ PEERS: 'contrib', OTEL_LOG_LEVEL: 'none' }),
      20_000,
    );
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(scenario.receiver, 8, CHAT_APP_SPANS.length);
    expect(appResults(exit.stdout)).toEqual(baseline());
    expect(spanNamesOf(CONTRIB_SCOPE)).toEqual([...CHAT_APP_SPANS].sort());
    expectTokenpathExact();
    expectNoNodeWarning(exit);
  });
});

describe('CommonJS app whose providers are registered through an older @opentelemetry/api minor', () => {
  it("delivers contrib's telemetry and tokenpath's exact tokens to the app's providers, and names the peer", async () => {
    // The app's preload registers its providers through the API 1.9 copy (as an app on the SDK 2.x line does), which
    // tokenpath's 1.10 copy cannot read: tokenpath reports to them directly (startup/api-copies.ts) and says so.
    const exit = await run(
      ['--require', app('peers-preload.cjs'), '--require', REGISTER, app('openai-chat.cjs')],
      { PEERS: 'contrib', PEER_API: '1.9' },
      8,
    );
    expect(spanNamesOf(CONTRIB_SCOPE)).toEqual([...CHAT_APP_SPANS].sort());
    expect(tokenSums([CONTRIB_SCOPE])).toEqual(servedTotals());
    expectTokenpathExact();
    for (const span of scenario.receiver.spans) expect(span.resource).toMatchObject({ 'service.name': 'peers-app' });

    // On stderr: the API-copy finding once (startup/api-copies.ts), and the peer named once although tokenpath's
    // API copy cannot read the diag logger registered through 1.9.
    expect(exit.stderr.split('\n').filter((l) => /registered through @opentelemetry\/api 1\.9\.1/.test(l))).toHaveLength(1);
    expectOnlyPeerLine(exit, CONTRIB_SCOPE);
  });
});

describe('CommonJS app, OpenInference preloaded before tokenpath', () => {
  it("keeps OpenInference's openai spans, and adds tokenpath's with the exact tokens", async () => {
    const exit = await run(
      ['--require', app('peers-preload.cjs'), '--require', REGISTER, app('openai-chat.cjs')],
      { PEERS: 'openinference', OPENINFERENCE_PACKAGE: openinferencePackage },
      8,
    );
    // OpenInference's own conventions: span names by API, usage as llm.token_count.*.
    const traced = scenario.receiver.spans.filter((s) => s.scope.name === OPENINFERENCE_SCOPE);
    expect(traced.map((s) => s.name).sort()).toEqual(
      ['OpenAI Chat Completions', 'OpenAI Chat Completions', 'OpenAI Embeddings', 'OpenAI Responses'].sort(),
    );
    const calls = scenario.standIn.requests.map((r) => r.body.model);
    const nonStream = traced.find((s) => JSON.parse(String(s.attributes['llm.invocation_parameters'])).model === 'gpt-4o-mini')!;
    expect(nonStream.attributes['llm.token_count.prompt']).toBe(tokensOf(scenario.standIn.served[calls.indexOf('gpt-4o-mini')]!.usage).input);
    expectTokenpathExact();
    expectOnlyPeerLine(exit, OPENINFERENCE_SCOPE);
  });
});

describe('ESM app whose own hook is another copy of import-in-the-middle (the copy dd-trace bundles)', () => {
  it("lets that copy's Hook see openai, and tokenpath patches it too, with no Node warning", async () => {
    // Its wrapper of openai notifies only its own copy's Hooks: tokenpath hands the module to its copy as well.
    const exit = await runApp(
      ['--import', app('other-iitm-copy-preload.mjs'), '--import', REGISTER, app('openai-chat.mjs')],
      env({}),
      20_000,
    );
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(scenario.receiver, CHAT_APP_SPANS.length);
    expect(appResults(exit.stdout)).toEqual(baseline());
    expectTokenpathExact();
    expect(exit.stderr.split('\n')).toContain('other-iitm-copy saw openai 1 time(s)');
    expectNoNodeWarning(exit);
  });
});

describe('ESM app registering a hook of another import-in-the-middle copy after tokenpath', () => {
  it('keeps tokenpath metering and says once, naming that hook, that its instrumentations miss the SDK modules', async () => {
    // The later hook takes over resolution but loads the SDK through tokenpath's wrapper, which only tokenpath's copy
    // hears of; nothing can hand the module to a copy registered later, so the user is told to register it first.
    const exit = await runApp(
      ['--import', REGISTER, '--import', app('other-iitm-copy-preload.mjs'), app('openai-chat.mjs')],
      env({}),
      20_000,
    );
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(scenario.receiver, CHAT_APP_SPANS.length);
    expectTokenpathExact();
    const said = exit.stderr.split('\n').filter((l) => l.includes('an import-in-the-middle hook of another copy'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('/dd-trace/node_modules/import-in-the-middle/hook.mjs');
    expect(exit.stderr.split('\n')).toContain('other-iitm-copy saw openai 0 time(s)');
    expectNoNodeWarning(exit);
  });
});

describe("CommonJS Bedrock app, contrib's @opentelemetry/instrumentation-aws-sdk preloaded before tokenpath", () => {
  const AWS_SCOPE = '@opentelemetry/instrumentation-aws-sdk';
  /** What examples/apps/bedrock-calls.cjs calls, in order: Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream. */
  const BEDROCK_SPANS = [
    'chat amazon.nova-micro-v1:0',
    'chat us.anthropic.claude-3-5-haiku-20241022-v1:0',
    'chat anthropic.claude-3-5-haiku-20241022-v1:0',
    'text_completion mistral.mistral-7b-instruct-v0:2',
  ];

  it("keeps contrib's Bedrock spans and token points, and adds tokenpath's with the exact tokens", async () => {
    const { receiver, standIn } = scenario;
    const exit = await runApp(
      ['--require', app('peers-preload.cjs'), '--require', REGISTER, path.join(REPO_ROOT, 'examples', 'apps', 'bedrock-chat.cjs')],
      env({
        PEERS: 'aws-sdk',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: standIn.url,
        AWS_ENDPOINT_URL: undefined,
        AWS_PROFILE: undefined,
        AWS_REGION: undefined,
      }),
      20_000,
    );
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(receiver, 2 * BEDROCK_SPANS.length, BEDROCK_SPANS.length);

    // The app's calls carry no cache tokens: input and output as served, in call order.
    const served = standIn.served.map((s) => ({
      input: s.usage?.inputTokens ?? s.usage?.inputTokenCount,
      output: s.usage?.outputTokens ?? s.usage?.outputTokenCount,
    }));
    const ours = receiver.spans
      .filter((s) => s.scope.name === TOKENPATH_SCOPE)
      .sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    expect(ours.map((s) => s.name)).toEqual(BEDROCK_SPANS);
    expect(ours.map((s) => ({ input: s.attributes['gen_ai.usage.input_tokens'], output: s.attributes['gen_ai.usage.output_tokens'] }))).toEqual(served);
    const total = (calls: typeof served) => ({
      input: calls.reduce((n, c) => n + c.input, 0),
      output: calls.reduce((n, c) => n + c.output, 0),
    });
    expect(tokenSums([TOKENPATH_SCOPE])).toEqual(total(served));

    // contrib is not silenced: a span per call, and its own token points for the two Converse calls.
    expect(receiver.spans.filter((s) => s.scope.name === AWS_SCOPE)).toHaveLength(BEDROCK_SPANS.length);
    expect(tokenSums([AWS_SCOPE])).toEqual(total(served.slice(0, 2)));
    expectOnlyPeerLine(exit, AWS_SCOPE);
  });
});
