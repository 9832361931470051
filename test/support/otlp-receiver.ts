/**
 * A tiny OTLP/HTTP receiver for end-to-end tests: it accepts what the real
 * OpenTelemetry exporters send (protobuf or JSON, optionally gzipped), decodes
 * it with protobufjs against ./otlp.proto and keeps flattened, easy-to-assert
 * copies of every span, metric and log record.
 *
 * Both encodings go through the same path — protobuf via `Type.decode`, JSON via
 * `Type.fromObject` — and then the same `Type.toObject` + normalisation, so the
 * same telemetry yields identical objects whatever the exporter's protocol.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

export interface ReceivedSpan {
  name: string;
  kind: number; // OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  traceId: string; // lower-case hex, '' when absent
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string }; // 0 unset, 1 ok, 2 error
  events: { name: string; attributes: Record<string, unknown> }[];
  startTimeUnixNano: number;
  endTimeUnixNano: number;
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
}
export interface ReceivedPoint {
  attributes: Record<string, unknown>;
  value?: number; // sum / gauge
  count?: number; // histogram / exponential histogram
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[]; // explicit-bucket histogram only
  explicitBounds?: number[];
}
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram';
  isMonotonic?: boolean; // sum only
  temporality?: number; // 1 delta, 2 cumulative; not for gauges
  points: ReceivedPoint[];
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
}
export interface ReceivedLog {
  body: unknown;
  eventName?: string;
  attributes: Record<string, unknown>;
  severityNumber?: number;
}
export interface ReceivedRequest {
  path: string;
  contentType: string; // media type without parameters, e.g. 'application/x-protobuf'
  contentEncoding: string; // 'gzip', or '' when not compressed
  bytes: number; // body size on the wire (compressed size when gzipped)
  body: Uint8Array; // the decompressed body, for byte-level checks
}
export interface OtlpReceiver {
  url: string; // 'http://127.0.0.1:PORT' — give this as OTEL_EXPORTER_OTLP_ENDPOINT
  spans: ReceivedSpan[]; // everything received so far, in arrival order
  metrics: ReceivedMetric[]; // every metric of every export (cumulative exports repeat metrics)
  logs: ReceivedLog[];
  requests: ReceivedRequest[]; // every request, including rejected ones
  errors: string[]; // why requests were rejected (bad path, media type, undecodable body)
  latestPoints(metricName: string): ReceivedPoint[]; // points of the LAST export containing the metric
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// ---- decoding -------------------------------------------------------------

const root = protobuf.loadSync(fileURLToPath(new URL('./otlp.proto', import.meta.url)));
const type = (name: string) => root.lookupType(`otlp.${name}`);

// int64/fixed64 → JS number (today's nanosecond timestamps are rounded to 256 ns, which
// is fine for tests); enums as their numbers; repeated fields always arrays.
// Bytes stay Uint8Array so ids can be hex-encoded below.
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true };

// The decoded shapes (camelCase, as protobufjs produces them). Scalars are
// optional because proto3 omits default values.
interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] };
  kvlistValue?: { values: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue { key: string; value?: PbAnyValue }
interface PbScope { name?: string; version?: string }
interface PbResource { attributes: PbKeyValue[] }
interface PbSpan {
  traceId?: Uint8Array; spanId?: Uint8Array; parentSpanId?: Uint8Array;
  name?: string; kind?: number; startTimeUnixNano?: number; endTimeUnixNano?: number;
  attributes: PbKeyValue[];
  events: { name?: string; attributes: PbKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface PbTraces { resourceSpans: { resource?: PbResource; scopeSpans: { scope?: PbScope; spans: PbSpan[] }[] }[] }
interface PbPoint {
  attributes: PbKeyValue[];
  asDouble?: number; asInt?: number; // NumberDataPoint
  count?: number; sum?: number; min?: number; max?: number; // (exponential) histograms
  bucketCounts: number[]; explicitBounds: number[];
}
interface PbData { dataPoints: PbPoint[]; aggregationTemporality?: number; isMonotonic?: boolean }
interface PbMetric {
  name?: string; unit?: string; description?: string;
  gauge?: PbData; sum?: PbData; histogram?: PbData; exponentialHistogram?: PbData;
}
interface PbMetrics { resourceMetrics: { resource?: PbResource; scopeMetrics: { scope?: PbScope; metrics: PbMetric[] }[] }[] }
interface PbLog { body?: PbAnyValue; eventName?: string; attributes: PbKeyValue[]; severityNumber?: number }
interface PbLogs { resourceLogs: { scopeLogs: { logRecords: PbLog[] }[] }[] }

/** Drops keys whose value is undefined, so optional fields are absent rather than `undefined`. */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
function compact<T extends object>(o: T): Compact<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Compact<T>;
}
const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString('hex') : '');
const scopeOf = (s?: PbScope) => compact({ name: s?.name ?? '', version: s?.version || undefined });

function anyValue(v?: PbAnyValue): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return v.intValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return v.arrayValue.values.map(anyValue);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  if (v.bytesValue) return new Uint8Array(v.bytesValue); // Buffer in Node → plain Uint8Array
  return undefined; // an empty AnyValue
}
function attributes(kvs: PbKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, anyValue(kv.value)]));
}

function toSpans(req: PbTraces): ReceivedSpan[] {
  return req.resourceSpans.flatMap((rs) => {
    const resource = attributes(rs.resource?.attributes);
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        name: s.name ?? '',
        kind: s.kind ?? 0,
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        attributes: attributes(s.attributes),
        status: compact({ code: s.status?.code ?? 0, message: s.status?.message || undefined }),
        events: s.events.map((e) => ({ name: e.name ?? '', attributes: attributes(e.attributes) })),
        startTimeUnixNano: s.startTimeUnixNano ?? 0,
        endTimeUnixNano: s.endTimeUnixNano ?? 0,
        resource,
        scope: scopeOf(ss.scope),
      })),
    );
  });
}

function toPoint(p: PbPoint, kind: ReceivedMetric['kind']): ReceivedPoint {
  const attrs = attributes(p.attributes);
  if (kind === 'gauge' || kind === 'sum') return compact({ attributes: attrs, value: p.asDouble ?? p.asInt });
  const stats = { attributes: attrs, count: p.count ?? 0, sum: p.sum, min: p.min, max: p.max };
  if (kind === 'exponentialHistogram') return compact(stats);
  return compact({ ...stats, bucketCounts: p.bucketCounts, explicitBounds: p.explicitBounds });
}

function toMetrics(req: PbMetrics): ReceivedMetric[] {
  return req.resourceMetrics.flatMap((rm) => {
    const resource = attributes(rm.resource?.attributes);
    return rm.scopeMetrics.flatMap((sm) =>
      sm.metrics.flatMap((m): ReceivedMetric[] => {
        const kind = (['gauge', 'sum', 'histogram', 'exponentialHistogram'] as const).find((k) => m[k]);
        const data = kind && m[kind];
        if (!kind || !data) return []; // a summary (never sent by the JS SDK) or no data at all
        return [compact({
          name: m.name ?? '',
          unit: m.unit ?? '',
          description: m.description ?? '',
          kind,
          isMonotonic: kind === 'sum' ? (data.isMonotonic ?? false) : undefined,
          temporality: kind === 'gauge' ? undefined : (data.aggregationTemporality ?? 0),
          points: data.dataPoints.map((p) => toPoint(p, kind)),
          resource,
          scope: scopeOf(sm.scope),
        })];
      }),
    );
  });
}

function toLogs(req: PbLogs): ReceivedLog[] {
  return req.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((l) => ({
        body: anyValue(l.body), // undefined when the record has no body
        attributes: attributes(l.attributes),
        ...compact({ eventName: l.eventName || undefined, severityNumber: l.severityNumber || undefined }),
      })),
    ),
  );
}

/**
 * OTLP/JSON encodes trace and span ids as hex, whereas protobufjs' fromObject
 * reads strings in `bytes` fields as base64 — so hand it the bytes directly.
 * These keys only ever name id fields (attribute keys are values, not keys).
 */
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
function hexIdsToBytes(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(hexIdsToBytes);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x).map(([k, v]) => [k, ID_KEYS.has(k) && typeof v === 'string' ? Buffer.from(v, 'hex') : hexIdsToBytes(v)]),
  );
}

// ---- server ---------------------------------------------------------------

export interface OtlpReceiverOptions {
  port?: number; // a fixed port (e.g. one an app is already exporting to, while nothing listened there); default: a free one
  delayMs?: number; // answer every request this much later (a slow collector)
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const logs: ReceivedLog[] = [];
  const requests: ReceivedRequest[] = [];
  const errors: string[] = [];
  const latest = new Map<string, ReceivedPoint[]>();

  const signals: Record<string, { request: string; response: string; ingest: (o: object) => void }> = {
    '/v1/traces': {
      request: 'ExportTraceServiceRequest',
      response: 'ExportTraceServiceResponse',
      ingest: (o) => spans.push(...toSpans(o as PbTraces)),
    },
    '/v1/metrics': {
      request: 'ExportMetricsServiceRequest',
      response: 'ExportMetricsServiceResponse',
      ingest: (o) => {
        const received = toMetrics(o as PbMetrics);
        metrics.push(...received);
        // One export may carry a metric several times (e.g. from two scopes): merge its points.
        const byName = new Map<string, ReceivedPoint[]>();
        for (const m of received) byName.set(m.name, [...(byName.get(m.name) ?? []), ...m.points]);
        for (const [name, points] of byName) latest.set(name, points);
      },
    },
    '/v1/logs': {
      request: 'ExportLogsServiceRequest',
      response: 'ExportLogsServiceResponse',
      ingest: (o) => logs.push(...toLogs(o as PbLogs)),
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.delayMs) await sleep(options.delayMs);
    const wire = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    const gzip = contentEncoding === 'gzip';
    let body = wire;
    let gunzipError = '';
    try {
      if (gzip) body = gunzipSync(wire);
    } catch (e) {
      gunzipError = (e as Error).message;
    }
    requests.push({ path, contentType, contentEncoding: contentEncoding === 'identity' ? '' : contentEncoding, bytes: wire.length, body });
    const reject = (status: number, why: string) => {
      errors.push(`${req.method} ${path}: ${why}`);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(why);
    };

    const signal = signals[path];
    if (req.method !== 'POST' || !signal) return reject(404, 'not an OTLP/HTTP endpoint');
    if (!gzip && contentEncoding !== '' && contentEncoding !== 'identity') {
      return reject(415, `unsupported content-encoding '${contentEncoding}'`);
    }
    if (gunzipError) return reject(400, `bad gzip body: ${gunzipError}`);
    const json = contentType === 'application/json';
    if (!json && contentType !== 'application/x-protobuf') return reject(415, `unsupported content-type '${contentType}'`);
    const requestType = type(signal.request);
    try {
      const message = json
        ? requestType.fromObject(hexIdsToBytes(JSON.parse(body.toString('utf8'))) as Record<string, unknown>)
        : requestType.decode(body);
      signal.ingest(requestType.toObject(message, TO_OBJECT));
    } catch (e) {
      return reject(400, `cannot decode ${signal.request}: ${(e as Error).message}`);
    }
    // An empty Export*ServiceResponse (no partial_success) means "all accepted".
    const responseType = type(signal.response);
    const empty = responseType.create();
    res
      .writeHead(200, { 'content-type': contentType })
      .end(json ? JSON.stringify(responseType.toObject(empty)) : responseType.encode(empty).finish());
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      errors.push(`internal error: ${e.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const summary = () =>
    `${requests.length} request(s) [${requests.map((r) => `${r.path} ${r.contentType}`).join(', ')}]; ` +
    `spans: [${spans.map((s) => s.name).join(', ')}]; ` +
    `metrics: [${[...new Set(metrics.map((m) => m.name))].join(', ')}]; logs: ${logs.length}; ` +
    `errors: [${errors.join('; ')}]`;

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    logs,
    requests,
    errors,
    latestPoints: (metricName) => latest.get(metricName) ?? [],
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A throwing predicate (e.g. indexing a not-yet-received span) just means "not yet".
        let failure = '';
        try {
          if (predicate()) return;
        } catch (e) {
          failure = ` (last predicate error: ${(e as Error).message})`;
        }
        if (Date.now() >= deadline) {
          throw new Error(`OtlpReceiver.waitFor: condition not met within ${timeoutMs} ms${failure}. Received ${summary()}`);
        }
        await sleep(20);
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // exporters keep connections alive; don't wait for them
      }),
  };
}
