/**
 * Datadog path 2: an app that already runs dd-trace, with tokenpath added. The app is installed the way a user installs
 * it (examples/datadog/dd-trace/install-app.mjs: the repository's packages packed, then `npm install` in a directory of
 * its own), so the @opentelemetry/api copies are the ones npm really gives such an app:
 *
 * - "one copy": with the example's `overrides`, dd-trace and tokenpath share @opentelemetry/api 1.10;
 * - "npm's default": without them npm gives dd-trace its own 1.9 (it declares <1.10.0) next to tokenpath's 1.10;
 * - "too old": an override forcing 1.9 on every package (what some Datadog guides suggest) leaves tokenpath's SDK
 *   line (which needs 1.10) unable to load.
 *
 * dd-trace's OpenTelemetry bridge is registered as its docs say (tracer.cjs: `init()`, `new tracer.TracerProvider()
 * .register()`, `DD_METRICS_OTEL_ENABLED=true`), Datadog's APM test agent plays the Agent (trace intake for dd-trace's
 * spans, OTLP for its metrics), and the app (examples/apps/two-providers.cjs) makes two OpenAI and two Anthropic calls
 * against the stand-in. dd-trace sends its traces when the process exits and tracer.cjs shuts its MeterProvider down
 * before exit (its only flush): everything has arrived when the app has exited.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedPoint } from '../support/otlp-receiver.js';
import { freePort } from '../collector/support.js';
import {
  ddTestAgentBinary,
  ddTestAgentMissing,
  flattenMetrics,
  startDdTestAgent,
  type DdSpan,
  type DdTestAgent,
  type OtlpJson,
} from '../support/dd-test-agent.js';
import { REGISTER, REPO_ROOT, TOKEN_USAGE, appResults, startStandIn, type Exit, type StandIn } from '../e2e/support.js';

const EXAMPLE = join(REPO_ROOT, 'examples/datadog/dd-trace');
const SERVICE = 'tokenpath-example'; // as examples/datadog/dd-trace/app.env names it
const TOKENPATH_SCOPE = '@tokenpath/instrumentation-llm';
/** The bucket boundaries dd-trace's MeterProvider uses for every histogram, whatever the instrument advises. */
const DD_TRACE_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
/** What tokenpath advises for gen_ai.client.token.usage (kept by the OpenTelemetry SDK: test/datadog/agent-otlp.test.ts). */
const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** The variables that choose tokenpath alone (app.env of the example). */
const TOKENPATH_ONLY = {
  DD_TRACE_DISABLED_PLUGINS: 'openai,anthropic,google-genai',
  DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED: 'false',
};

const missing = ddTestAgentMissing();
if (missing) console.warn(`skipping the dd-trace tests: ${missing}`);

const rootApiVersion = (): string => JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@opentelemetry/api/package.json'), 'utf8')).version;

interface InstalledApp {
  dir: string;
  apiCopies: { path: string; version: string }[];
}

/** install-app.mjs into `dir` with `flags`; npm as the test runner's npm runs it. */
function installApp(dir: string, flags: string[]): InstalledApp {
  const r = spawnSync(process.execPath, [join(EXAMPLE, 'install-app.mjs'), dir, ...flags], { encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`install-app.mjs ${flags.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return { dir, ...JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

/** Runs `node <args>` in the installed app's directory (so `@tokenpath/...` resolves to the app's copy). */
async function runIn(app: InstalledApp, args: string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  const child = spawn(process.execPath, args, { cwd: app.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exit = await new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  clearTimeout(timer);
  expect(exit, `node ${args.join(' ')}\n${stderr}`).toMatchObject({ code: 0, signal: null });
  return exit;
}

/** The tokenpath lines an app printed on stderr. */
const tokenpathLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('tokenpath:'));

interface AppCall {
  provider: 'openai' | 'anthropic';
  model: string;
  responseModel: string;
  usage: Record<string, any>;
}

/** Input and output tokens in the conventions' accounting (Anthropic's cache reads and writes are input). */
function tokens(call: AppCall): { input: number; output: number } {
  const u = call.usage;
  if (call.provider === 'openai') return { input: u.prompt_tokens, output: u.completion_tokens };
  return { input: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, output: u.output_tokens };
}

const spansOf = (traces: DdSpan[][]): DdSpan[] => traces.flat().sort((a, b) => a.start - b.start);
const genAiTags = (span: DdSpan): Record<string, unknown> =>
  Object.fromEntries(
    [...Object.entries(span.meta), ...Object.entries(span.metrics)].filter(([k]) => k.startsWith('gen_ai.')).sort(([a], [b]) => a.localeCompare(b)),
  );

/** tokenpath's span of each call as the trace intake decoded it: name, tags, and usage as dd-trace metrics. */
function expectTokenpathSpans(spans: DdSpan[], calls: AppCall[], port: number): DdSpan[] {
  const ours = spans.filter((s) => s.name.startsWith('chat '));
  expect(ours.map((s) => ({ name: s.name, service: s.service, 'span.kind': s.meta['span.kind'] }))).toEqual(
    calls.map((c) => ({ name: `chat ${c.model}`, service: SERVICE, 'span.kind': 'client' })),
  );
  ours.forEach((span, i) => {
    const call = calls[i];
    const { input, output } = tokens(call);
    // Strings become meta, numbers become metrics; the arrays (finish reasons) are dropped: a known difference.
    expect(span.meta).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': call.provider,
      'gen_ai.request.model': call.model,
      'gen_ai.response.model': call.responseModel,
      'server.address': '127.0.0.1',
    });
    expect(span.metrics).toMatchObject({ 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'server.port': port });
    expect(span.meta['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(span.metrics['gen_ai.response.finish_reasons']).toBeUndefined();
  });
  return ours;
}

/** tokenpath's token points as dd-trace's MeterProvider exported them over OTLP: one input and one output point per call. */
function expectTokenPoints(points: ReceivedPoint[], calls: AppCall[]): void {
  const key = (model: unknown, type: unknown) => `${model}/${type}`;
  const byCall = new Map(points.map((p) => [key(p.attributes['gen_ai.request.model'], p.attributes['gen_ai.token.type']), p]));
  expect(points).toHaveLength(calls.length * 2);
  for (const call of calls) {
    const { input, output } = tokens(call);
    for (const [type, value] of [['input', input], ['output', output]] as const) {
      const point = byCall.get(key(call.model, type));
      expect(point, key(call.model, type)).toMatchObject({ count: 1, sum: value });
      expect(point!.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': call.provider,
        'gen_ai.response.model': call.responseModel,
      });
    }
  }
}

// Each test runs Node apps with dd-trace (and the example also npm): more than the default 30 s on a busy machine.
describe.skipIf(missing !== undefined)('next to dd-trace (its OpenTelemetry bridge, the test agent as the Agent)', { timeout: 120_000 }, () => {
  // One app directory, re-installed per layout (npm then only moves the api copies): three full installs would each
  // take ~200 MB (dd-trace's native optional packages, two LLM SDKs) and as long again to delete.
  let work: string;
  let agent: DdTestAgent;
  let standIn: StandIn;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tokenpath-dd-trace-'));
    agent = await startDdTestAgent();
  });
  afterAll(async () => {
    await agent?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);
  beforeEach(async () => {
    await agent.clear();
    standIn = await startStandIn();
  });
  afterEach(async () => {
    await standIn.close();
  });

  /** The app's environment: dd-trace to the test agent, its metrics over OTLP, both SDKs to the stand-in. */
  function ddEnv(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (/^(OTEL_|OPENAI_|ANTHROPIC_|DD_)/.test(key) || key === 'NODE_OPTIONS') continue;
      env[key] = value;
    }
    Object.assign(env, {
      OPENAI_BASE_URL: `${standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-dd-trace-e2e-not-a-real-key',
      ANTHROPIC_BASE_URL: standIn.url,
      ANTHROPIC_API_KEY: 'sk-ant-dd-trace-e2e-not-a-real-key',
      DD_TRACE_AGENT_URL: agent.traceUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: agent.otlpHttpUrl,
      DD_METRICS_OTEL_ENABLED: 'true',
      DD_SERVICE: SERVICE,
      DD_TRACE_STARTUP_LOGS: 'false',
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
      DD_REMOTE_CONFIGURATION_ENABLED: 'false',
    });
    for (const [key, value] of Object.entries(vars)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    return env;
  }

  const port = (): number => Number(new URL(standIn.url).port);
  const withTracer = (entry: string[]) => ['--require', './tracer.cjs', ...entry, './two-providers.cjs'];

  /** Installs the example app into the shared directory with `flags`, once for the tests of a describe block. */
  function useLayout(flags: string[]): { app: InstalledApp } {
    const layout = {} as { app: InstalledApp };
    beforeAll(() => {
      layout.app = installApp(join(work, 'app'), flags);
    }, 300_000);
    return layout;
  }

  describe('with the overrides of the example: one api copy', () => {
    const layout = useLayout([]);

    it('npm gives the app one api copy, shared with dd-trace', () => {
      expect(layout.app.apiCopies).toEqual([{ path: 'node_modules/@opentelemetry/api', version: rootApiVersion() }]);
    });

    it("the register entry adds only the instrumentation and reports through dd-trace's providers", async () => {
      const exit = await runIn(layout.app, withTracer(['--require', REGISTER]), ddEnv(TOKENPATH_ONLY));
      expect(tokenpathLines(exit.stderr)).toEqual([]);
      const calls = appResults(exit.stdout) as AppCall[];
      expect(calls.map((c) => c.provider)).toEqual(['openai', 'openai', 'anthropic', 'anthropic']);

      const spans = spansOf(await agent.traces());
      const ours = expectTokenpathSpans(spans, calls, port());
      // One instrumentation per call (dd-trace's LLM plugins are off), and tokenpath's span is in dd-trace's trace:
      // the HTTP request dd-trace's fetch plugin traces is its child.
      expect(spans.filter((s) => /^(openai|anthropic)\.request$/.test(s.name))).toEqual([]);
      for (const span of ours) {
        const http = spans.filter((s) => s.name === 'http.request' && s.parent_id === span.span_id);
        expect(http.map((s) => s.meta['http.url']?.startsWith(standIn.url))).toEqual([true]);
        expect(http[0]!.trace_id).toBe(span.trace_id);
      }

      // Token metrics over OTLP, DELTA, from dd-trace's MeterProvider under tokenpath's scope; dd-trace's fixed buckets
      // instead of the advised ones (a known difference: sums and counts stay exact, the distribution is coarse).
      const metrics = (await agent.metrics()).filter((m) => m.scope.name === TOKENPATH_SCOPE);
      const usage = metrics.filter((m) => m.name === TOKEN_USAGE);
      expect(usage.map((m) => ({ kind: m.kind, unit: m.unit, temporality: m.temporality, service: m.resource['service.name'] }))).toEqual([
        { kind: 'histogram', unit: '{token}', temporality: 1, service: SERVICE },
      ]);
      expectTokenPoints(usage[0]!.points, calls);
      for (const point of usage[0]!.points) expect(point.explicitBounds).toEqual(DD_TRACE_BOUNDS);
      expect(DD_TRACE_BOUNDS).not.toEqual(TOKEN_BOUNDS);
      expect(metrics.map((m) => m.name)).toEqual(
        expect.arrayContaining(['gen_ai.client.operation.duration', 'gen_ai.client.operation.time_to_first_chunk', TOKEN_USAGE]),
      );
    });

    it("the programmatic setup (registerInstrumentations) reports through dd-trace's providers too", async () => {
      const exit = await runIn(layout.app, withTracer(['--require', './programmatic.cjs']), ddEnv(TOKENPATH_ONLY));
      expect(tokenpathLines(exit.stderr)).toEqual([]);
      const calls = appResults(exit.stdout) as AppCall[];
      expectTokenpathSpans(spansOf(await agent.traces()), calls, port());
      const usage = (await agent.metrics()).filter((m) => m.scope.name === TOKENPATH_SCOPE && m.name === TOKEN_USAGE);
      expect(usage).toHaveLength(1);
      expectTokenPoints(usage[0]!.points, calls);
    });

    it("with dd-trace's llm plugins on, tokenpath names them once and its token metrics still count each call once", async () => {
      const exit = await runIn(layout.app, withTracer(['--require', REGISTER]), ddEnv());
      const lines = tokenpathLines(exit.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tokenpath: dd-trace's openai, anthropic, google-genai, aws-sdk plugins also instrument the LLM calls tokenpath meters/);
      expect(lines[0]).toContain('DD_TRACE_DISABLED_PLUGINS=openai,anthropic,google-genai');
      const calls = appResults(exit.stdout) as AppCall[];

      // Both spans carry usage: dd-trace's plugin span is a child of tokenpath's, with its own gen_ai.usage.* metrics.
      const spans = spansOf(await agent.traces());
      const ours = expectTokenpathSpans(spans, calls, port());
      const theirs = ours.map((span) => spans.filter((s) => s.parent_id === span.span_id && /^(openai|anthropic)\.request$/.test(s.name)));
      expect(theirs.map((children) => children.map((s) => s.name))).toEqual([['openai.request'], ['openai.request'], ['anthropic.request'], ['anthropic.request']]);
      theirs.forEach(([span], i) => {
        expect(span!.metrics).toMatchObject({ 'gen_ai.usage.input_tokens': expect.any(Number), 'gen_ai.usage.output_tokens': tokens(calls[i]!).output });
      });

      const usage = (await agent.metrics()).filter((m) => m.name === TOKEN_USAGE);
      expect(usage.map((m) => m.scope.name)).toEqual([TOKENPATH_SCOPE]);
      expectTokenPoints(usage[0]!.points, calls);
    });

    it('dd-trace without its bridge: tokenpath says how to register it, and exports through its own sdk meanwhile', async () => {
      const exit = await runIn(
        layout.app,
        ['--require', 'dd-trace/init', '--require', REGISTER, './two-providers.cjs'],
        ddEnv({ ...TOKENPATH_ONLY, DD_METRICS_OTEL_ENABLED: undefined, OTEL_LOGS_EXPORTER: 'none' }),
      );
      const lines = tokenpathLines(exit.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tokenpath: dd-trace runs but registered no OpenTelemetry providers, so tokenpath starts its own OpenTelemetry SDK/);
      expect(lines[0]).toContain('new tracer.TracerProvider().register()');
      const calls = appResults(exit.stdout) as AppCall[];
      expect((await agent.spans()).map((s) => s.name)).toEqual(calls.map((c) => `chat ${c.model}`));
    });

    it("dd-trace's bridge with metrics but no tracer provider: tokenpath says its spans are not recorded", async () => {
      const exit = await runIn(layout.app, ['--require', 'dd-trace/init', '--require', REGISTER, './two-providers.cjs'], ddEnv(TOKENPATH_ONLY));
      expect(tokenpathLines(exit.stderr)).toEqual([
        "tokenpath: dd-trace's OpenTelemetry bridge has a meter provider but no tracer provider: tokenpath's spans are not " +
          'recorded. Register it before tokenpath starts: `new tracer.TracerProvider().register()` after `require("dd-trace").init()`.',
      ]);
    });

    it("the example runs with --check: dd-trace carries the calls to the test agent, tokenpath's token metrics arrive over otlp", async () => {
      // run.sh installs into APP_DIR (already this layout: npm has nothing to change) and starts its own test agent.
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const env: NodeJS.ProcessEnv = {};
      for (const [key, value] of Object.entries(process.env)) {
        if (/^(OTEL_|OPENAI_|ANTHROPIC_|DD_)/.test(key) || key === 'NODE_OPTIONS') continue;
        env[key] = value;
      }
      Object.assign(env, {
        APP_DIR: layout.app.dir,
        TOKENPATH_DDAPM_TEST_AGENT: ddTestAgentBinary(),
        TRACE_PORT: String(ports[0]),
        OTLP_HTTP_PORT: String(ports[1]),
        OTLP_GRPC_PORT: String(ports[2]),
        CHECK_TIMEOUT: '20',
        NODE: process.execPath,
      });
      const r = spawnSync('bash', [join(EXAMPLE, 'run.sh'), '--check'], { env, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, r.stderr.slice(-4000)).toBe(0);
      expect(tokenpathLines(r.stderr)).toEqual([]);
      const calls = appResults(r.stderr) as AppCall[];
      const readBack = JSON.parse(r.stdout) as { traces: DdSpan[][]; otlpMetrics: OtlpJson[] };
      const standInUrl = /OpenAI -> stand-in (\S+)/.exec(r.stderr)![1]!;
      expectTokenpathSpans(spansOf(readBack.traces), calls, Number(new URL(standInUrl).port));
      const usage = readBack.otlpMetrics.flatMap(flattenMetrics).filter((m) => m.scope.name === TOKENPATH_SCOPE && m.name === TOKEN_USAGE);
      expect(usage).toHaveLength(1);
      expectTokenPoints(usage[0]!.points, calls);
    });
  });

  describe("npm's default, without the overrides: two api copies", () => {
    const layout = useLayout(['--no-overrides']);

    it('npm gives dd-trace an api copy of its own, older than the one tokenpath loads', () => {
      expect(layout.app.apiCopies).toEqual([
        { path: 'node_modules/@opentelemetry/api', version: rootApiVersion() },
        { path: 'node_modules/dd-trace/node_modules/@opentelemetry/api', version: expect.stringMatching(/^1\.[0-9]\./) },
      ]);
    });

    /** The app's calls inside a dd-trace span of its own (fixtures/in-app-span.cjs), as a request handler's would be. */
    const inAppSpan = (entry: string[]) => {
      copyFileSync(join(REPO_ROOT, 'test/datadog/fixtures/in-app-span.cjs'), join(layout.app.dir, 'in-app-span.cjs'));
      return ['--require', './tracer.cjs', ...entry, './in-app-span.cjs'];
    };

    /**
     * tokenpath's spans in dd-trace's trace, as the trace intake decoded it: each the child of the app's span that was
     * active around the call, and the parent of the HTTP request dd-trace's fetch plugin traced for it (tokenpath runs
     * the call in the context of dd-trace's own API copy: core/context.ts).
     */
    async function expectInAppTrace(calls: AppCall[]): Promise<void> {
      const spans = spansOf(await agent.traces());
      const app = spans.filter((s) => s.name === 'app.request');
      expect(app.map((s) => s.parent_id)).toEqual([0]);
      const ours = expectTokenpathSpans(spans, calls, port());
      expect(ours.map((s) => ({ trace_id: s.trace_id, parent_id: s.parent_id }))).toEqual(
        calls.map(() => ({ trace_id: app[0]!.trace_id, parent_id: app[0]!.span_id })),
      );
      for (const span of ours) {
        const http = spans.filter((s) => s.name === 'http.request' && s.parent_id === span.span_id);
        expect(http.map((s) => ({ trace_id: s.trace_id, toStandIn: s.meta['http.url']?.startsWith(standIn.url) }))).toEqual([
          { trace_id: span.trace_id, toStandIn: true },
        ]);
      }
    }

    it("tokenpath says so once, naming both versions and the fix, and still reports to dd-trace, in the app's trace", async () => {
      const exit = await runIn(layout.app, inAppSpan(['--require', REGISTER]), ddEnv(TOKENPATH_ONLY));
      const dd = layout.app.apiCopies[1]!.version;
      expect(tokenpathLines(exit.stderr)).toEqual([
        `tokenpath: this process's OpenTelemetry providers were registered through @opentelemetry/api ${dd}, but tokenpath ` +
          `loads @opentelemetry/api ${rootApiVersion()} (${join(layout.app.dir, 'node_modules/@opentelemetry/api')}), and a ` +
          "copy ignores providers registered by an older minor version: tokenpath reports to those providers directly and " +
          "joins the app's traces through that copy's context, but its own diagnostics after start-up reach no logger. " +
          `Fix: make the app load one copy of @opentelemetry/api >= 1.10.0: "overrides": { "@opentelemetry/api": ` +
          `"${rootApiVersion()}" } in the app's package.json (pnpm: "pnpm.overrides", yarn: "resolutions"), then ` +
          'reinstall; dd-trace, which declares <1.10.0, runs on it (tokenpath\'s README, "Next to dd-trace").',
      ]);
      // Reported anyway, through the providers, context manager and propagator read from the registry.
      await expectInAppTrace(appResults(exit.stdout) as AppCall[]);
    });

    it("the programmatic setup says so once too, and reports to the same providers, in the app's trace", async () => {
      // registerInstrumentations() hands over the app's own (1.10) globals: no-op providers, which tokenpath replaces.
      const exit = await runIn(layout.app, inAppSpan(['--require', './programmatic.cjs']), ddEnv(TOKENPATH_ONLY));
      const lines = tokenpathLines(exit.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`registered through @opentelemetry/api ${layout.app.apiCopies[1]!.version}, but tokenpath loads`);
      expect(lines[0]).toContain('tokenpath reports to those providers directly');
      expect(lines[0]).toContain(`"overrides": { "@opentelemetry/api": "${rootApiVersion()}" }`);
      await expectInAppTrace(appResults(exit.stdout) as AppCall[]);
    });
  });

  describe('an api older than 1.10 forced on every package', () => {
    const layout = useLayout(['--api', '1.9.1']);

    it('npm gives every package the forced api', () => {
      expect(layout.app.apiCopies).toEqual([{ path: 'node_modules/@opentelemetry/api', version: '1.9.1' }]);
    });

    it('tokenpath says why it does not start and the app runs unchanged', async () => {
      const baseline = await runIn(layout.app, withTracer([]), ddEnv(TOKENPATH_ONLY));
      // A fresh stand-in: it remembers cached prompts, and the second run must be served the same.
      await standIn.close();
      standIn = await startStandIn();
      const exit = await runIn(layout.app, withTracer(['--require', REGISTER]), ddEnv(TOKENPATH_ONLY));
      expect(tokenpathLines(exit.stderr)).toEqual([
        `tokenpath: @opentelemetry/api 1.9.1 (${join(layout.app.dir, 'node_modules/@opentelemetry/api')}) is older than ` +
          '1.10.0, which the OpenTelemetry SDK that tokenpath uses needs; tokenpath is not started. Fix: make the app load ' +
          'one copy of @opentelemetry/api >= 1.10.0: "overrides": { "@opentelemetry/api": "1.10.0" } in the app\'s ' +
          'package.json (pnpm: "pnpm.overrides", yarn: "resolutions"), then reinstall; dd-trace, which declares <1.10.0, ' +
          'runs on it (tokenpath\'s README, "Next to dd-trace").',
      ]);
      expect(appResults(exit.stdout)).toEqual(appResults(baseline.stdout));
      expect(spansOf(await agent.traces()).filter((s) => s.name.startsWith('chat '))).toEqual([]);
    });
  });
});
