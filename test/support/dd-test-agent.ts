/**
 * Datadog's APM test agent (`ddapm-test-agent`, PyPI) as a real stand-in for the Datadog Agent: its trace intake
 * (what dd-trace sends to 8126), its OTLP ingest over HTTP and gRPC (what the Agent's `otlp_config` receivers take),
 * and read-back endpoints for what it decoded. test/datadog/prepare.sh installs the pinned version into a cached
 * virtualenv; `startDdTestAgent()` starts one on 127.0.0.1 with three free ports and stops it by pid.
 *
 * What the agent decoded is read back as it returns it (protobuf exports as snake_case protobuf JSON with int64 as
 * strings, enums by name and ids in base64; OTLP/JSON exports as they were sent) and, for the OTLP side, also
 * flattened into the OTLP receiver's shapes (`ReceivedSpan`, `ReceivedMetric`) so that the e2e helpers apply. One malformed request poisons every later read with its decode error until `clear()`: the
 * readers throw that error instead of returning half the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ReceivedMetric, ReceivedPoint, ReceivedSpan } from './otlp-receiver.js';
import { freePort } from './ports.js';

export const DD_TEST_AGENT_VERSION = '1.69.1';

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tokenpath');
const VENV = join(CACHE, `ddapm-test-agent-${DD_TEST_AGENT_VERSION}`);

/** The installed `ddapm-test-agent` (TOKENPATH_DDAPM_TEST_AGENT, else prepare.sh's complete install), or undefined. */
export function ddTestAgentBinary(): string | undefined {
  const own = process.env.TOKENPATH_DDAPM_TEST_AGENT;
  if (own) return own;
  const binary = join(VENV, 'bin', 'ddapm-test-agent');
  return existsSync(binary) && existsSync(join(VENV, '.tokenpath-requirements')) ? binary : undefined;
}

/** Why the Datadog tests cannot run here (undefined when they can): printed by the tests that skip. */
export function ddTestAgentMissing(): string | undefined {
  if (ddTestAgentBinary()) return undefined;
  const unavailable = `${VENV}.unavailable`;
  const why = existsSync(unavailable) ? readFileSync(unavailable, 'utf8').trim() : 'test/datadog/prepare.sh has not run';
  return `ddapm-test-agent ${DD_TEST_AGENT_VERSION} is not installed in ${VENV} (${why}): run \`bash test/datadog/prepare.sh\` (npm test runs it; it needs python3 with venv and PyPI)`;
}

// ---- what the agent returns --------------------------------------------------------------------

/** One Datadog-format span as the trace intake decoded it (v0.4 / v0.5 / v0.7 / v1.0). */
export interface DdSpan {
  name: string;
  service: string;
  resource: string;
  type?: string | null;
  trace_id: number;
  span_id: number;
  parent_id: number;
  start: number;
  duration: number;
  error?: number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
  [key: string]: unknown;
}

/** One stored request: headers as sent, body base64. */
export interface DdAgentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** An OTLP export request as the agent returns it (protobuf JSON in snake_case, or the OTLP/JSON as sent). */
export type OtlpJson = Record<string, any>;

export interface DdTestAgent {
  /** The trace intake, as DD_TRACE_AGENT_URL (what the Datadog Agent serves on 8126). */
  traceUrl: string;
  /** OTLP over HTTP, as OTEL_EXPORTER_OTLP_ENDPOINT with http/protobuf (the Agent's 4318). */
  otlpHttpUrl: string;
  /** OTLP over gRPC, as OTEL_EXPORTER_OTLP_ENDPOINT with grpc (the Agent's 4317). */
  otlpGrpcUrl: string;
  pid: number;
  /** Datadog-format traces received on the trace intake (`/test/session/traces` of the trace port). */
  traces(): Promise<DdSpan[][]>;
  /** OTLP trace export requests, decoded by the agent (`/test/session/traces` of the OTLP port). */
  otlpTraces(): Promise<OtlpJson[]>;
  /** OTLP metric export requests, decoded by the agent (`/test/session/metrics` of the OTLP port). */
  otlpMetrics(): Promise<OtlpJson[]>;
  /** Every span of `otlpTraces()`, flattened. */
  spans(): Promise<ReceivedSpan[]>;
  /** Every metric of every `otlpMetrics()` request, flattened, in arrival order. */
  metrics(): Promise<ReceivedMetric[]>;
  /** Every request stored (both ports share one store; gRPC exports appear as the agent's own HTTP re-posts). */
  requests(): Promise<DdAgentRequest[]>;
  /** Forgets everything received (also a poisoned store). */
  clear(): Promise<void>;
  /** The agent's stdout and stderr so far. */
  output(): string;
  /** SIGTERM to the pid (SIGKILL after 5 s); resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Starts the test agent on 127.0.0.1 and waits for `GET /info`; throws (with the reason) when it is not installed. */
export async function startDdTestAgent(): Promise<DdTestAgent> {
  const binary = ddTestAgentBinary();
  if (!binary) throw new Error(ddTestAgentMissing());
  // Another process may take a free port before the agent binds it: then try again with new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function startOnce(binary: string): Promise<DdTestAgent> {
  const [port, httpPort, grpcPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const args = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--otlp-http-port', String(httpPort),
    '--otlp-grpc-port', String(grpcPort),
    '--disable-llmobs-data-forwarding',
  ];
  // A clean environment: nothing of ours (DD_API_KEY, DD_SITE, ...) reaches the agent.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: homedir(), LANG: 'C.UTF-8' };
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.once('error', (error) => (output += `\nspawn error: ${error}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const traceUrl = `http://127.0.0.1:${port}`;
  const otlpHttpUrl = `http://127.0.0.1:${httpPort}`;
  const stop = () => stopChild(child, exited);
  try {
    await waitForInfo(traceUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  const readJson = async <T>(url: string): Promise<T> => {
    const response = await fetch(url);
    const text = await response.text();
    if (!response.ok) throw new Error(`ddapm-test-agent ${url}: HTTP ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const otlpTraces = () => readJson<OtlpJson[]>(`${otlpHttpUrl}/test/session/traces`);
  const otlpMetrics = () => readJson<OtlpJson[]>(`${otlpHttpUrl}/test/session/metrics`);
  return {
    traceUrl,
    otlpHttpUrl,
    otlpGrpcUrl: `http://127.0.0.1:${grpcPort}`,
    pid: child.pid!,
    traces: () => readJson<DdSpan[][]>(`${traceUrl}/test/session/traces`),
    otlpTraces,
    otlpMetrics,
    spans: async () => (await otlpTraces()).flatMap(flattenSpans),
    metrics: async () => (await otlpMetrics()).flatMap(flattenMetrics),
    requests: () => readJson<DdAgentRequest[]>(`${traceUrl}/test/session/requests`),
    async clear() {
      const response = await fetch(`${traceUrl}/test/session/clear`);
      if (!response.ok) throw new Error(`ddapm-test-agent clear: HTTP ${response.status}: ${await response.text()}`);
    },
    output: () => output,
    stop,
  };
}

async function waitForInfo(traceUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ddapm-test-agent exited (${child.exitCode ?? child.signalCode}) before answering /info\n${output()}`);
    }
    try {
      if ((await fetch(`${traceUrl}/info`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`ddapm-test-agent: no /info within 20 s\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  } else {
    await exited;
  }
}

// ---- flattening the agent's OTLP JSON -------------------------------------------------------------

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const TEMPORALITIES: Record<string, number> = { AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2 };
const STATUS_CODES: Record<string, number> = { STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
/** An enum as a number, whether the agent wrote its name (protobuf decode) or the sender its number (OTLP/JSON). */
const enumOf = (names: Record<string, number>, v: unknown): number => (typeof v === 'number' ? v : (names[String(v)] ?? 0));

/** The same request with snake_case field names (OTLP/JSON uses lowerCamelCase; attribute keys are values, untouched). */
function snakeCase(value: unknown): any {
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCase(v)]));
}

function valueOf(v: any): unknown {
  if (v === undefined || v === null) return undefined;
  if ('string_value' in v) return v.string_value;
  if ('int_value' in v) return Number(v.int_value);
  if ('double_value' in v) return v.double_value;
  if ('bool_value' in v) return v.bool_value;
  if ('array_value' in v) return (v.array_value.values ?? []).map(valueOf);
  return undefined;
}
const attributesOf = (list: { key: string; value: unknown }[] = []): Record<string, unknown> =>
  Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
/** A trace or span id as lower-case hex: OTLP/JSON sends hex (32 or 16 digits), the protobuf decode gives base64. */
function idOf(id: string | undefined): string {
  if (!id) return '';
  if ((id.length === 32 || id.length === 16) && /^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}
const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

/** The spans of one decoded ExportTraceServiceRequest, in the OTLP receiver's shape. */
export function flattenSpans(request: OtlpJson): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of snakeCase(request).resource_spans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scope_spans ?? []) {
      const scope = { name: ss.scope?.name ?? '', ...(ss.scope?.version ? { version: ss.scope.version } : {}) };
      for (const s of ss.spans ?? []) {
        spans.push({
          name: s.name,
          kind: enumOf(SPAN_KINDS, s.kind),
          traceId: idOf(s.trace_id),
          spanId: idOf(s.span_id),
          parentSpanId: idOf(s.parent_span_id),
          attributes: attributesOf(s.attributes),
          status: { code: enumOf(STATUS_CODES, s.status?.code), ...(s.status?.message ? { message: s.status.message } : {}) },
          events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
          startTimeUnixNano: Number(s.start_time_unix_nano),
          endTimeUnixNano: Number(s.end_time_unix_nano),
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

/** The metrics of one decoded ExportMetricsServiceRequest, in the OTLP receiver's shape (sums, gauges, histograms). */
export function flattenMetrics(request: OtlpJson): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = [];
  for (const rm of snakeCase(request).resource_metrics ?? []) {
    const resource = attributesOf(rm.resource?.attributes);
    for (const sm of rm.scope_metrics ?? []) {
      const scope = { name: sm.scope?.name ?? '', ...(sm.scope?.version ? { version: sm.scope.version } : {}) };
      for (const m of sm.metrics ?? []) {
        const kind = (['histogram', 'sum', 'gauge', 'exponential_histogram'] as const).find((k) => m[k]);
        if (!kind) continue;
        const data = m[kind];
        const points: ReceivedPoint[] = (data.data_points ?? []).map((p: any) => {
          const point: ReceivedPoint = { attributes: attributesOf(p.attributes) };
          if (kind === 'sum' || kind === 'gauge') point.value = p.as_double ?? num(p.as_int);
          else {
            point.count = Number(p.count ?? 0);
            point.sum = num(p.sum);
            point.min = num(p.min);
            point.max = num(p.max);
          }
          if (kind === 'histogram') {
            point.bucketCounts = (p.bucket_counts ?? []).map(Number);
            point.explicitBounds = (p.explicit_bounds ?? []).map(Number);
          }
          return point;
        });
        metrics.push({
          name: m.name,
          unit: m.unit ?? '',
          description: m.description ?? '',
          kind: kind === 'exponential_histogram' ? 'exponentialHistogram' : kind,
          ...(kind === 'sum' ? { isMonotonic: Boolean(data.is_monotonic) } : {}),
          ...(kind === 'gauge' ? {} : { temporality: enumOf(TEMPORALITIES, data.aggregation_temporality) }),
          points,
          resource,
          scope,
        });
      }
    }
  }
  return metrics;
}
