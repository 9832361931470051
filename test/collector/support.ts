/**
 * Helpers for the tests that put real backends behind tokenpath: the `otelcol-tokenpath` collector built by
 * build-collector.sh, and Debian's `prometheus`, each started here on 127.0.0.1 and stopped after the test.
 * A missing binary is a failure that says how to get it, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT, startStandIn, type StandIn } from '../e2e/support.js';
import { freePort } from '../support/ports.js';

export const COLLECTOR_CONFIG = join(REPO_ROOT, 'otel-collector.yaml');
export const DATADOG_OVERLAY = join(REPO_ROOT, 'examples/collector/datadog.yaml');
const MANIFEST = join(REPO_ROOT, 'test/collector/builder-config.yaml');

/** A free port on 127.0.0.1 (test/support/ports.ts), for the tests that take their helpers from here. */
export { freePort };

/** Polls `probe` until it returns a value other than undefined; throws `describe()` on timeout. */
export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${describe()}${lastError ? `\nlast error: ${lastError}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- processes -------------------------------------------------------------------------------

export interface Service {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function startService(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): Service {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('error', (error) => (output += `\nspawn error: ${error}`));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await closed;
        clearTimeout(timer);
      }
    },
  };
}

// ---- the collector ---------------------------------------------------------------------------

/**
 * The `otelcol-tokenpath` binary of the current manifest: $TOKENPATH_OTELCOL, or the build cache of
 * build-collector.sh. Throws (never skips) when it is not there.
 */
export function collectorBinary(): string {
  const fromEnv = process.env.TOKENPATH_OTELCOL;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TOKENPATH_OTELCOL=${fromEnv} does not exist`);
    return fromEnv;
  }
  const sha = createHash('sha256').update(readFileSync(MANIFEST)).digest('hex');
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const binary = join(cache, 'tokenpath', `otelcol-${sha}`, 'otelcol-tokenpath');
  if (!existsSync(binary)) {
    throw new Error(
      `the collector binary for test/collector/builder-config.yaml is not built (${binary} is missing): ` +
        'run `bash test/collector/build-collector.sh` first (needs Go and the Go module proxy; .ci/run does it)',
    );
  }
  return binary;
}

/** The parent's environment without TOKENPATH_* / DD_* settings that would steer the collector, plus `vars`. */
export function collectorEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TOKENPATH_|DD_|OTEL_)/.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(vars)) if (value !== undefined) env[key] = value;
  return env;
}

/** `otelcol-tokenpath validate --config ...` */
export function validate(configs: string[], vars: Record<string, string | undefined> = {}) {
  const args = ['validate', ...configs.map((c) => `--config=${c}`)];
  const result = spawnSync(collectorBinary(), args, { cwd: REPO_ROOT, env: collectorEnv(vars), encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface Collector extends Service {
  otlpHttp: string;
  otlpGrpc: string;
  prometheus: string;
  spansFile: string;
}

/**
 * Starts the collector with otel-collector.yaml on free 127.0.0.1 ports: metrics → prometheus exporter,
 * traces → file exporter (spans as OTLP/JSON lines in a temp file) and debug. Resolves once its health
 * check answers 200.
 */
export async function startCollector(dir: string): Promise<Collector> {
  const [grpc, http, prom, health, telemetry] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const spansFile = join(dir, 'spans.jsonl');
  const service = startService(
    collectorBinary(),
    [`--config=${COLLECTOR_CONFIG}`],
    collectorEnv({
      TOKENPATH_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      TOKENPATH_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      TOKENPATH_PROMETHEUS_ENDPOINT: `127.0.0.1:${prom}`,
      TOKENPATH_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
      TOKENPATH_COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
      TOKENPATH_COLLECTOR_TELEMETRY_PORT: String(telemetry),
      TOKENPATH_METRICS_EXPORTERS: '[prometheus]',
      TOKENPATH_TRACES_EXPORTERS: '[file, debug]',
      TOKENPATH_LOGS_EXPORTERS: '[debug]',
      TOKENPATH_FILE_PATH: spansFile,
    }),
  );
  try {
    await poll(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`collector exited with ${service.child.exitCode}`);
        return (await fetch(`http://127.0.0.1:${health}/`)).ok || undefined;
      },
      20_000,
      () => `collector not healthy within 20 s\n${service.output()}`,
    );
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    ...service,
    otlpHttp: `http://127.0.0.1:${http}`,
    otlpGrpc: `http://127.0.0.1:${grpc}`,
    prometheus: `127.0.0.1:${prom}`,
    spansFile,
  };
}

// ---- spans from the file exporter ------------------------------------------------------------

export interface FileSpan {
  name: string;
  kind: number;
  resource: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
const valueOf = (v: AnyValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? v.arrayValue?.values?.map(valueOf);
const attrs = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** The spans the file exporter wrote (OTLP/JSON, one ExportTraceServiceRequest per line). */
export function readSpans(file: string): FileSpan[] {
  if (!existsSync(file)) return [];
  const spans: FileSpan[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const resource = attrs(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) spans.push({ name: s.name, kind: s.kind, resource, attributes: attrs(s.attributes) });
      }
    }
  }
  return spans;
}

// ---- Prometheus ------------------------------------------------------------------------------

export interface Prometheus extends Service {
  url: string;
  /** Instant query over the HTTP API; the result vector as label sets with numeric values. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** The scrape targets' health as Prometheus sees them. */
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
}

/** Whether Debian's prometheus is installed; the message says how to install it. */
export function prometheusMissing(): string | undefined {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'prometheus is not installed: run `bash test/collector/install-prometheus.sh` (Debian package `prometheus`; .ci/run does it)';
}

/**
 * Starts a Prometheus server on 127.0.0.1 (storage in `dir`) scraping `targets` (host:port, /metrics) every second,
 * with honor_labels so that the job/instance labels the target sets (service.name, service.instance.id) are kept.
 */
export async function startPrometheus(dir: string, targets: string[]): Promise<Prometheus> {
  const missing = prometheusMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: tokenpath-under-test',
      '    honor_labels: true',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const service = startService('prometheus', [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
  ], process.env, dir);
  try {
    await poll(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`prometheus exited with ${service.child.exitCode}`);
        return (await fetch(`${url}/-/ready`)).ok || undefined;
      },
      20_000,
      () => `prometheus not ready within 20 s\n${service.output()}`,
    );
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    ...service,
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as any;
      if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
      return body.data.result.map((r: any) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async targets() {
      const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as any;
      return body.data.activeTargets.map((t: any) => ({ scrapeUrl: t.scrapeUrl, health: t.health, lastError: t.lastError }));
    },
  };
}

/** `{label1/label2: value}` of a query result, for exact comparison. */
export function byLabels(result: { metric: Record<string, string>; value: number }[], ...labels: string[]): Record<string, number> {
  return Object.fromEntries(result.map((r) => [labels.map((l) => r.metric[l] ?? '').join('/'), r.value]));
}

/** A temp folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The running pipeline a test drives: stand-in → app → collector → Prometheus. */
export interface Pipeline {
  readonly standIn: StandIn;
  readonly collector: Collector;
  readonly prometheus: Prometheus;
}

/**
 * Starts a stand-in, the collector with otel-collector.yaml and a Prometheus scraping it, once per
 * describe block, and stops them after. Fails at once, with the command to run, when the collector
 * is not built.
 */
export function usePipeline(prefix: string): Pipeline {
  const state = {} as { tmp?: ReturnType<typeof tempDir>; standIn?: StandIn; collector?: Collector; prometheus?: Prometheus };
  beforeAll(async () => {
    collectorBinary();
    state.tmp = tempDir(prefix);
    state.standIn = await startStandIn();
    state.collector = await startCollector(state.tmp.dir);
    state.prometheus = await startPrometheus(state.tmp.dir, [state.collector.prometheus]);
  });
  afterAll(async () => {
    await state.prometheus?.stop();
    await state.collector?.stop();
    await state.standIn?.close();
    state.tmp?.remove();
  });
  return {
    get standIn() {
      return state.standIn!;
    },
    get collector() {
      return state.collector!;
    },
    get prometheus() {
      return state.prometheus!;
    },
  };
}
