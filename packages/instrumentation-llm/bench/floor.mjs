/**
 * `floor` configs (opt-in): the least code that emits the same telemetry as tokenpath for a chat
 * completion: one CLIENT span with the same attributes, the same histograms (duration,
 * input/output token usage; time to first chunk for streams) with the same metric attributes.
 * No safety nets, no feature detection, no provider table, no content capture. Its overhead over
 * `otel` approximates what the OpenTelemetry SDK and the SDK hooks themselves charge for that.
 *
 * Levels (`run.mjs --ladder` runs all four; `--floor` only `full`), each adding to the previous:
 *   ctx      `context.with()` a context holding a (non-recording) span around the SDK call; the
 *            SDK's promise is returned untouched: nothing observed, no span, no metrics;
 *   observe  + the result observed like tokenpath does: the APIPromise's own parse step wrapped
 *            (`observeParsed`), the stream's `iterator` replaced by a wrapper whose `next()` adds
 *            one `.then()` per chunk;
 *   span     + a real span: startSpan with the request attributes, setAttributes at the end, end();
 *   full     + everything tokenpath's everything-on config emits besides: the histogram records,
 *            the cost (priced with the model's list price written in here) as span attributes and
 *            a counter, attribution (a context value set per call, as withAttribution does) on the
 *            span and its metric key on the metric points, a usage record per call handed to the
 *            same hook, and a stream whose caller set no stream_options asked for its usage and
 *            handed on as the caller asked (usage chunk withheld, no `usage` key) = `floor`.
 */
import { performance } from 'node:perf_hooks';

const LEVELS = ['ctx', 'observe', 'span', 'full'];

const INCLUDE_USAGE = Object.freeze({ include_usage: true });

/** A chunk as the caller would have had it without stream_options: the usage chunk withheld (undefined), no `usage` key on the others. */
function asCallerAsked(chunk) {
  if (chunk.usage) return undefined;
  const { usage: _, ...rest } = chunk;
  return rest;
}

/** gpt-4o-mini's list price in USD per token (input, output), as the bundled table has it. */
const PRICE = { input: 0.15e-6, output: 0.6e-6 };

/**
 * `everything`: { ledger, metricKey, attributionOf } from child.mjs (the `full` level's usage
 * records go to the same accumulation as tokenpath's hook). Returns `callIn(fn)`, how the child
 * makes each call: at `full`, inside a context holding the call's attribution.
 */
export function installFloor(requireHere, OpenAI, level = 'full', everything = undefined) {
  const rank = LEVELS.indexOf(level);
  if (rank < 0) throw new Error(`unknown floor level ${level}`);
  const observe = rank >= 1;
  const withSpan = rank >= 2;
  const withMetrics = rank >= 3;

  const { context, trace, metrics, createContextKey, SpanKind, INVALID_SPAN_CONTEXT } = requireHere('@opentelemetry/api');
  const { PROFILE_INCUBATING_1_45: profile } = requireHere('@tokenpath/semconv');
  const tracer = trace.getTracer('bench-floor');
  const meter = metrics.getMeter('bench-floor');
  const histogram = (d) =>
    meter.createHistogram(d.name, {
      unit: d.unit,
      description: d.description,
      advice: { explicitBucketBoundaries: [...d.buckets] },
    });
  const duration = histogram(profile.metrics.operationDuration);
  const tokens = histogram(profile.metrics.tokenUsage);
  const ttfcHistogram = histogram(profile.metrics.timeToFirstChunk);
  const costCounter = meter.createCounter('tokenpath.client.cost', { unit: '{cost}' });
  const ATTRIBUTION = createContextKey('bench-floor attribution');
  const { ledger, metricKey, attributionOf } = everything ?? {};
  let nth = 0;
  const callIn = withMetrics && everything ? (fn) => context.with(context.active().setValue(ATTRIBUTION, attributionOf(nth++)), fn) : (fn) => fn();

  const proto = OpenAI.Chat.Completions.prototype;
  const original = proto.create;
  function create(params, options) {
    const start = performance.now();
    const base = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': params.model,
      'server.address': 'api.openai.com',
      'server.port': 443,
    };
    const attribution = withMetrics ? context.active().getValue(ATTRIBUTION) : undefined;
    const metricBase = attribution ? { ...base, [metricKey]: attribution[metricKey] } : base;
    const span = withSpan
      ? tracer.startSpan(`chat ${params.model}`, {
          kind: SpanKind.CLIENT,
          attributes: {
            ...attribution,
            ...base,
            'gen_ai.request.temperature': params.temperature,
            'gen_ai.request.max_tokens': params.max_tokens,
            ...(params.stream ? { 'gen_ai.request.stream': true } : {}),
            'openai.api.type': 'chat_completions',
          },
        })
      : trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const ctx = trace.setSpan(context.active(), span);
    // Everything on, a stream whose caller set no stream_options: asked for its usage (see reshape).
    const asks = withMetrics && everything && params.stream === true && params.stream_options === undefined;
    const sent = asks ? { ...params, stream_options: INCLUDE_USAGE } : params;
    const promise = context.with(ctx, () => original.call(this, sent, options));
    if (!observe) return promise;

    const end = (r, usage, ttfc) => {
      const seconds = (performance.now() - start) / 1000;
      let cost;
      if (withMetrics) {
        const attrs = { ...metricBase, 'gen_ai.response.model': r.model };
        duration.record(seconds, attrs);
        tokens.record(usage.prompt_tokens, { ...attrs, 'gen_ai.token.type': 'input' });
        tokens.record(usage.completion_tokens, { ...attrs, 'gen_ai.token.type': 'output' });
        if (ttfc !== undefined) ttfcHistogram.record(ttfc, attrs);
        if (everything) {
          cost = usage.prompt_tokens * PRICE.input + usage.completion_tokens * PRICE.output;
          costCounter.add(cost, { ...attrs, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'local' });
        }
      }
      if (withSpan) {
        span.setAttributes({
          'gen_ai.response.id': r.id,
          'gen_ai.response.model': r.model,
          'gen_ai.response.finish_reasons': r.finishReasons,
          'openai.response.service_tier': r.service_tier,
          'openai.response.system_fingerprint': r.system_fingerprint,
          'gen_ai.usage.input_tokens': usage.prompt_tokens,
          'gen_ai.usage.output_tokens': usage.completion_tokens,
          'gen_ai.usage.cache_read.input_tokens': usage.prompt_tokens_details?.cached_tokens,
          'gen_ai.usage.reasoning.output_tokens': usage.completion_tokens_details?.reasoning_tokens,
          'tokenpath.usage.source': 'provider',
          ...(ttfc !== undefined ? { 'gen_ai.response.time_to_first_chunk': ttfc } : {}),
          ...(cost !== undefined
            ? {
                'gen_ai.usage.cost.amount': cost,
                'gen_ai.usage.cost.currency': 'USD',
                'gen_ai.usage.cost.source': 'local',
                'tokenpath.cost.price_table': 'bench',
              }
            : {}),
        });
        span.end();
      }
      if (withMetrics && everything) {
        // The usage record, as tokenpath's hook receives it, to the same accumulation.
        const { traceId, spanId } = span.spanContext();
        const record = {
          provider: 'openai',
          operation: 'chat',
          requestModel: params.model,
          responseModel: r.model,
          stream: params.stream === true,
          tokens: { input: usage.prompt_tokens, output: usage.completion_tokens },
          cost: { amount: cost, currency: 'USD' },
          attribution: attribution && { ...attribution },
          durationSeconds: seconds,
          endTimeUnixMs: Date.now(),
          traceId,
          spanId,
        };
        ledger.records++;
        ledger.inputTokens += record.tokens.input;
        ledger.outputTokens += record.tokens.output;
        ledger.cost += record.cost.amount;
        ledger.currency = record.cost.currency;
        if (record.attribution?.[metricKey]) ledger.attributed++;
      }
    };

    if (!params.stream) {
      return observeParsed(promise, (r) => end({ ...r, finishReasons: r.choices.map((c) => c.finish_reason) }, r.usage));
    }
    let first = -1;
    let facts;
    let usage;
    const finishReasons = [];
    return observeStream(
      promise,
      (c) => {
        if (first < 0) first = performance.now();
        facts ??= { id: c.id, model: c.model, service_tier: c.service_tier, system_fingerprint: c.system_fingerprint };
        const reason = c.choices[0]?.finish_reason;
        if (reason) finishReasons[c.choices[0].index] = reason;
        if (c.usage) usage = c.usage;
      },
      () => end({ ...facts, finishReasons }, usage, (first - start) / 1000),
      asks ? asCallerAsked : undefined,
    );
  }
  replaceCreate(proto, create);
  return { callIn };
}

/**
 * The parsed result of a Stainless APIPromise seen as tokenpath sees it (src/core/api-promise.ts):
 * the promise's own parse step wrapped, and openai 7's own `_thenUnwrap` (which parses without it);
 * the SDK's promise is returned. `onData` is let go of once called, as tokenpath lets go of its
 * observer. No error handling: the floor's calls succeed.
 */
function observeParsed(promise, onData) {
  let pending = onData;
  const take = (data) => {
    const f = pending;
    pending = undefined;
    f?.(data);
  };
  const parse = promise.parseResponse;
  const observedParse = async function (client, props) {
    const data = await parse.call(this, client, props);
    take(data);
    return data;
  };
  promise.parseResponse = observedParse;
  if (Object.hasOwn(promise, '_thenUnwrap')) {
    const thenUnwrap = promise._thenUnwrap;
    const observedThenUnwrap = (transform) => thenUnwrap((data, props) => (take(data), transform(data, props)));
    promise._thenUnwrap = observedThenUnwrap;
  }
  return promise;
}

/**
 * The stream of a Stainless APIPromise observed like tokenpath does: its `iterator` replaced by a
 * wrapper whose `next()` adds one `.then()` per chunk; `onChunk` sees each chunk, `onDone` the end.
 */
function observeStream(promise, onChunk, onDone, reshape) {
  return observeParsed(promise, (stream) => {
    const iterator = stream.iterator;
    stream.iterator = function () {
      const source = iterator.call(this);
      const onResult = (result) => {
        if (result.done) onDone();
        else {
          onChunk(result.value);
          if (reshape) {
            // As the caller would have had it: a withheld chunk is replaced by the next one.
            const value = reshape(result.value);
            return value === undefined ? source.next().then(onResult) : { done: false, value };
          }
        }
        return result;
      };
      return {
        next: () => source.next().then(onResult),
        return: (v) => source.return(v),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    };
  });
}

/** Installs `create` on `proto`, marked like a shimmer wrap so that the child's isWrapped() check sees it. */
function replaceCreate(proto, create) {
  const original = proto.create;
  Object.assign(create, { __original: original, __unwrap: () => (proto.create = original), __wrapped: true });
  proto.create = create;
}

/**
 * The `floor-span` level for `@anthropic-ai/sdk` (`messages.create`): one CLIENT span with the
 * usage, through the APIPromise's parse step and, for a stream, a wrapped `iterator`; no metrics, no trace
 * headers, nothing else. What any instrumentation that makes a span per call pays at least: the
 * Anthropic comparison sets the peers' overheads against it.
 */
export function installAnthropicFloorSpan(requireHere, Anthropic) {
  const { context, trace, SpanKind } = requireHere('@opentelemetry/api');
  const tracer = trace.getTracer('bench-floor');
  const proto = Anthropic.Messages.prototype;
  const original = proto.create;
  function create(params, options) {
    const span = tracer.startSpan(`chat ${params.model}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': params.model,
        'gen_ai.request.max_tokens': params.max_tokens,
        'server.address': 'api.anthropic.com',
        'server.port': 443,
      },
    });
    const promise = context.with(trace.setSpan(context.active(), span), () => original.call(this, params, options));
    const end = (m, usage, reason) => {
      span.setAttributes({
        'gen_ai.response.id': m.id,
        'gen_ai.response.model': m.model,
        'gen_ai.response.finish_reasons': [reason],
        'gen_ai.usage.input_tokens': usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
        'gen_ai.usage.output_tokens': usage.output_tokens,
        'gen_ai.usage.cache_read.input_tokens': usage.cache_read_input_tokens,
        'gen_ai.usage.cache_creation.input_tokens': usage.cache_creation_input_tokens,
      });
      span.end();
    };
    if (!params.stream) return observeParsed(promise, (m) => end(m, m.usage, m.stop_reason));
    let message;
    let usage;
    let reason;
    return observeStream(
      promise,
      (e) => {
        if (e.type === 'message_start') {
          message = e.message;
          usage = { ...e.message.usage };
        } else if (e.type === 'message_delta') {
          Object.assign(usage, e.usage);
          reason = e.delta.stop_reason;
        }
      },
      () => end(message, usage, reason),
    );
  }
  replaceCreate(proto, create);
}
