/**
 * Proves the OTLP test receiver against the REAL OpenTelemetry exporters: the
 * same telemetry is exported both as protobuf (exporter-*-otlp-proto) and as
 * OTLP/JSON (exporter-*-otlp-http), each to its own receiver, with and without
 * gzip, and must decode to exactly the expected values — identically for both
 * encodings. A decode → re-encode round trip of the protobuf bodies shows that
 * otlp.proto declares every field the exporters send, with the right numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { context, SeverityNumber, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AggregationTemporality, AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedMetric } from './otlp-receiver.js';

// The exporters type `compression` as an enum of otlp-exporter-base, which is not
// a direct dependency; its values are these strings.
type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>['compression']>;

const RESOURCE = { 'service.name': 'otlp-receiver-test' };
const SCOPE = { name: 'receiver-test-scope', version: '1.2.3' };
const SPAN_ATTRIBUTES = {
  'gen_ai.system': 'openai',
  'gen_ai.usage.input_tokens': 42,
  'gen_ai.request.temperature': 0.25,
  'gen_ai.request.stream': true,
  'gen_ai.response.finish_reasons': ['stop', 'length'],
};

/**
 * Emits a CLIENT span (child of an INTERNAL one, with a link), a histogram, a
 * counter — plus a gauge, an int up-down counter and an exponential histogram, so
 * that the round trip covers those messages too — and a log record through the
 * SDK, exported once as protobuf and once as JSON. Metrics are exported three
 * times (two force-flushes and the shutdown), cumulatively.
 */
async function emitTelemetry(proto: OtlpReceiver, json: OtlpReceiver, compression: Compression): Promise<void> {
  const resource = resourceFromAttributes(RESOURCE);
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: new ProtoTraceExporter({ url: `${proto.url}/v1/traces`, compression }) }),
      new SimpleSpanProcessor({ exporter: new JsonTraceExporter({ url: `${json.url}/v1/traces`, compression }) }),
    ],
  });
  const reader = (exporter: ProtoMetricExporter | JsonMetricExporter) =>
    new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 }); // only explicit flushes
  const temporalityPreference = AggregationTemporality.CUMULATIVE;
  const meterProvider = new MeterProvider({
    resource,
    views: [{ instrumentName: 'llm.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [
      reader(new ProtoMetricExporter({ url: `${proto.url}/v1/metrics`, compression, temporalityPreference })),
      reader(new JsonMetricExporter({ url: `${json.url}/v1/metrics`, compression, temporalityPreference })),
    ],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${proto.url}/v1/logs`, compression }) }),
      new SimpleLogRecordProcessor({ exporter: new JsonLogExporter({ url: `${json.url}/v1/logs`, compression }) }),
    ],
  });

  const tracer = tracerProvider.getTracer(SCOPE.name, SCOPE.version);
  const parent = tracer.startSpan('invoke_agent', { kind: SpanKind.INTERNAL });
  const span = tracer.startSpan(
    'chat gpt-test',
    { kind: SpanKind.CLIENT, attributes: SPAN_ATTRIBUTES, links: [{ context: parent.spanContext(), attributes: { why: 'test' } }] },
    trace.setSpan(context.active(), parent),
  );
  span.addEvent('gen_ai.choice', { index: 0, 'finish.reason': 'stop' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  span.end();
  parent.end();

  const meter = meterProvider.getMeter(SCOPE.name, SCOPE.version);
  const histogram = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Tokens used',
    advice: { explicitBucketBoundaries: [1, 10, 100] },
  });
  for (const v of [0.5, 5, 50, 500]) histogram.record(v, { 'gen_ai.token.type': 'input' });
  const counter = meter.createCounter('llm.requests', { unit: '{request}', description: 'Requests' });
  counter.add(2, { 'gen_ai.system': 'openai' });
  counter.add(3, { 'gen_ai.system': 'openai' });
  meter.createGauge('llm.queue.depth', { valueType: ValueType.INT }).record(3);
  const inflight = meter.createUpDownCounter('llm.inflight', { valueType: ValueType.INT });
  inflight.add(1);
  inflight.add(-2);
  const latency = meter.createHistogram('llm.latency', { unit: 's' });
  for (const v of [0, 0.1, 0.2]) latency.record(v);
  await meterProvider.forceFlush();
  counter.add(4, { 'gen_ai.system': 'openai' }); // the next cumulative export reports 9
  await meterProvider.forceFlush();

  loggerProvider.getLogger(SCOPE.name, SCOPE.version).emit({
    eventName: 'gen_ai.user.message',
    severityNumber: SeverityNumber.INFO,
    body: { content: 'hello', tokens: 7, raw: new Uint8Array([1, 2, 255]) },
    attributes: { 'gen_ai.system': 'openai' },
  });

  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
}

const expectedCounter = (value: number): ReceivedMetric => ({
  name: 'llm.requests',
  unit: '{request}',
  description: 'Requests',
  kind: 'sum',
  isMonotonic: true,
  temporality: 2, // cumulative
  points: [{ attributes: { 'gen_ai.system': 'openai' }, value }],
  resource: expect.objectContaining(RESOURCE),
  scope: SCOPE,
});
const expectedHistogram: ReceivedMetric = {
  name: 'gen_ai.client.token.usage',
  unit: '{token}',
  description: 'Tokens used',
  kind: 'histogram',
  temporality: 2,
  points: [
    {
      attributes: { 'gen_ai.token.type': 'input' },
      count: 4,
      sum: 555.5,
      min: 0.5,
      max: 500,
      bucketCounts: [1, 1, 1, 1],
      explicitBounds: [1, 10, 100],
    },
  ],
  resource: expect.objectContaining(RESOURCE),
  scope: SCOPE,
};

describe.each([
  { compression: 'none' as Compression, contentEncoding: '' },
  { compression: 'gzip' as Compression, contentEncoding: 'gzip' },
])('OTLP receiver with real exporters, compression $compression', ({ compression, contentEncoding }) => {
  let proto: OtlpReceiver;
  let json: OtlpReceiver;
  beforeAll(async () => {
    [proto, json] = await Promise.all([startOtlpReceiver(), startOtlpReceiver()]);
    await emitTelemetry(proto, json, compression);
    for (const r of [proto, json]) await r.waitFor(() => r.spans.length === 2 && r.logs.length === 1);
  });
  afterAll(async () => {
    await Promise.all([proto?.close(), json?.close()]);
  });

  describe.each([
    { protocol: 'protobuf', contentType: 'application/x-protobuf', receiver: () => proto },
    { protocol: 'json', contentType: 'application/json', receiver: () => json },
  ])('$protocol', ({ contentType, receiver }) => {
    it('records every request with its media type and encoding, and rejects none', () => {
      const r = receiver();
      expect(r.errors).toEqual([]);
      const paths = r.requests.map((q) => q.path).sort();
      expect(paths).toEqual(['/v1/logs', ...Array(3).fill('/v1/metrics'), '/v1/traces', '/v1/traces']);
      for (const q of r.requests) {
        expect(q).toMatchObject({ contentType, contentEncoding });
        expect(q.bytes).toBeGreaterThan(0);
      }
    });

    it('decodes the spans', () => {
      const [span, parent] = receiver().spans; // in arrival order: the child ends first
      expect(span).toEqual({
        name: 'chat gpt-test',
        kind: 3, // client
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        parentSpanId: parent!.spanId,
        attributes: SPAN_ATTRIBUTES,
        status: { code: 2, message: 'rate limited' },
        events: [{ name: 'gen_ai.choice', attributes: { index: 0, 'finish.reason': 'stop' } }],
        startTimeUnixNano: expect.any(Number),
        endTimeUnixNano: expect.any(Number),
        resource: expect.objectContaining(RESOURCE),
        scope: SCOPE,
      });
      expect(parent).toMatchObject({ name: 'invoke_agent', kind: 1, traceId: span!.traceId, parentSpanId: '', status: { code: 0 } });
      expect(parent!.spanId).not.toBe(span!.spanId);
      expect(span!.endTimeUnixNano).toBeGreaterThanOrEqual(span!.startTimeUnixNano);
      expect(Math.abs(span!.startTimeUnixNano / 1e6 - Date.now())).toBeLessThan(60_000);
    });

    it('decodes the histogram and the counter of every cumulative export', () => {
      const r = receiver();
      const byName = (name: string) => r.metrics.filter((m) => m.name === name);
      expect(byName('gen_ai.client.token.usage')).toEqual([expectedHistogram, expectedHistogram, expectedHistogram]);
      expect(byName('llm.requests')).toEqual([expectedCounter(5), expectedCounter(9), expectedCounter(9)]);
      expect(r.latestPoints('llm.queue.depth')).toEqual([{ attributes: {}, value: 3 }]);
      expect(byName('llm.queue.depth')[0]).toMatchObject({ kind: 'gauge', unit: '', description: '' });
      expect(byName('llm.queue.depth')[0]).not.toHaveProperty('temporality');
      expect(byName('llm.inflight')[0]).toMatchObject({ kind: 'sum', isMonotonic: false, temporality: 2 });
      expect(r.latestPoints('llm.inflight')).toEqual([{ attributes: {}, value: -1 }]);
      expect(byName('llm.latency')[0]).toMatchObject({ kind: 'exponentialHistogram', unit: 's', temporality: 2 });
      expect(r.latestPoints('llm.latency')).toEqual([{ attributes: {}, count: 3, sum: 0.1 + 0.2, min: 0, max: 0.2 }]);
      expect(r.latestPoints('llm.requests')).toEqual([{ attributes: { 'gen_ai.system': 'openai' }, value: 9 }]);
      expect(r.latestPoints('no.such.metric')).toEqual([]);
    });

    it('decodes the log record', () => {
      expect(receiver().logs).toEqual([
        {
          body: { content: 'hello', tokens: 7, raw: new Uint8Array([1, 2, 255]) },
          eventName: 'gen_ai.user.message',
          attributes: { 'gen_ai.system': 'openai' },
          severityNumber: 9,
        },
      ]);
    });
  });

  it('yields identical objects for protobuf and JSON', () => {
    expect(json.spans).toStrictEqual(proto.spans);
    expect(json.metrics).toStrictEqual(proto.metrics);
    expect(json.logs).toStrictEqual(proto.logs);
  });

  it('understands every byte of the protobuf requests (decode → encode round trip)', () => {
    const root = protobuf.loadSync(fileURLToPath(new URL('./otlp.proto', import.meta.url)));
    const types: Record<string, protobuf.Type> = {
      '/v1/traces': root.lookupType('otlp.ExportTraceServiceRequest'),
      '/v1/metrics': root.lookupType('otlp.ExportMetricsServiceRequest'),
      '/v1/logs': root.lookupType('otlp.ExportLogsServiceRequest'),
    };
    for (const { path, body } of proto.requests) {
      const type = types[path]!;
      // protobufjs drops unknown fields, so a field missing from otlp.proto (or a
      // wrong number/wire type) would make the re-encoding differ.
      expect(Buffer.from(type.encode(type.decode(body)).finish()).toString('hex'), path).toBe(Buffer.from(body).toString('hex'));
    }
  });
});

describe('OTLP receiver edge cases', () => {
  it('works as OTEL_EXPORTER_OTLP_ENDPOINT (exporters append /v1/<signal>)', async () => {
    const r = await startOtlpReceiver();
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = r.url;
    try {
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new ProtoTraceExporter() })] });
      provider.getTracer('env-test').startSpan('from-env').end();
      await provider.shutdown();
      await r.waitFor(() => r.spans.some((s) => s.name === 'from-env'));
      expect(r.requests.map((q) => q.path)).toEqual(['/v1/traces']);
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
      await r.close();
    }
  });

  it('waitFor rejects with a message that says what was received', async () => {
    const r = await startOtlpReceiver();
    try {
      await expect(r.waitFor(() => r.spans.length > 0, 100)).rejects.toThrow(
        /waitFor: condition not met within 100 ms\. Received 0 request\(s\)/,
      );
    } finally {
      await r.close();
    }
  });

  it('rejects unknown paths and media types, and records why', async () => {
    const r = await startOtlpReceiver();
    try {
      const notFound = await fetch(`${r.url}/v1/profiles`, { method: 'POST', body: 'x' });
      const badType = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      const badBody = await fetch(`${r.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array([0x0a, 0xff]),
      });
      expect([notFound.status, badType.status, badBody.status]).toEqual([404, 415, 400]);
      expect(r.errors).toEqual([
        'POST /v1/profiles: not an OTLP/HTTP endpoint',
        "POST /v1/traces: unsupported content-type 'text/plain'",
        expect.stringMatching(/^POST \/v1\/traces: cannot decode ExportTraceServiceRequest: /),
      ]);
    } finally {
      await r.close();
    }
  });
});
