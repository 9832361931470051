/**
 * tokenpath next to @opentelemetry/instrumentation-aws-sdk, both enabled (as with
 * getNodeAutoInstrumentations()). The behaviour chosen, and documented in the README:
 * - each call keeps both spans: tokenpath's GenAI span, and the AWS SDK span as its child;
 * - exactly one span per call has `gen_ai.provider.name` (tokenpath's) and carries the usage as the
 *   conventions count it; the AWS SDK span sets its own `gen_ai.usage.*` (under `gen_ai.system`),
 *   which can differ (Converse input without cache tokens, Mistral / Cohere output estimated from the
 *   text), so backends must not sum usage across both: select by `gen_ai.provider.name` or scope;
 * - tokenpath's token metrics count every call exactly once; the AWS SDK instrumentation records
 *   its own `gen_ai.client.token.usage` for Converse calls under its own scope, with `gen_ai.system`
 *   and without `gen_ai.provider.name`;
 * - the AWS SDK instrumentation replaces the output's event stream with its own generator; tokenpath
 *   instruments whatever stream the app receives, and both spans end with it.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MeterProvider, type PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { cumulativeReader, histogramPoints } from '../../support/harness';
import { drain, expectTokenTotals } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { bedrockClient, servedInput, servedOutput } from './bedrock-testbed';

let aws: any;
let awsReader: PeriodicExportingMetricReader;

const bed = useTestbed({
  ...bedrockClient,
  // Before the SDK is loaded: both instrumentations' hooks patch it.
  beforeLoad: (h) => {
    const { AwsInstrumentation } = h.load('@opentelemetry/instrumentation-aws-sdk');
    aws = new AwsInstrumentation();
    aws.setTracerProvider(h.tracerProvider);
  },
});
afterAll(() => {
  aws?.disable();
});
beforeEach(() => {
  // Its own, fresh meter provider, so that its points are told apart from tokenpath's.
  awsReader = cumulativeReader();
  aws.setMeterProvider(new MeterProvider({ readers: [awsReader] }));
});

const messages = [{ role: 'user', content: [{ text: 'count my tokens once' }] }];

/** tokenpath's span and the AWS SDK span of one call. */
function pair(spans: ReadableSpan[]): { ours: ReadableSpan; theirs: ReadableSpan } {
  expect(spans).toHaveLength(2);
  const ours = spans.find((s) => s.instrumentationScope.name === '@tokenpath/instrumentation-llm')!;
  const theirs = spans.find((s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-aws-sdk')!;
  expect(ours).toBeDefined();
  expect(theirs).toBeDefined();
  return { ours, theirs };
}

describe('next to @opentelemetry/instrumentation-aws-sdk', () => {
  it('keeps one span with gen_ai.provider.name per call, the AWS SDK span as its child', async () => {
    await bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));
    const spans = await bed.h.spans();
    const { ours, theirs } = pair(spans);
    expect(theirs.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(theirs.spanContext().traceId).toBe(ours.spanContext().traceId);
    expect(spans.filter((s) => s.attributes['gen_ai.provider.name'] !== undefined)).toEqual([ours]);
    expect(theirs.attributes['gen_ai.system']).toBe('aws.bedrock');
    expect(theirs.attributes['rpc.system']).toBe('aws-api');
    const usage = bed.standIn.served[0].usage!;
    expect(ours.attributes['gen_ai.usage.input_tokens']).toBe(servedInput(usage));
    expect(ours.attributes['gen_ai.usage.output_tokens']).toBe(servedOutput(usage));
  });

  it('counts tokens exactly once in tokenpath\'s metrics, while the AWS SDK records its own points under gen_ai.system', async () => {
    const cached = [{ role: 'user', content: [{ text: 'a shared prefix of several words' }, { cachePoint: { type: 'default' } }] }];
    await bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: cached }));
    const stream = await bed.client.send(new bed.sdk.ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));
    await drain(stream.stream);
    const served = bed.standIn.served.map((s) => s.usage!);

    const tokens = await expectTokenTotals(bed.h, {
      input: servedInput(served[0]) + servedInput(served[1]),
      output: servedOutput(served[0]) + servedOutput(served[1]),
    });
    expect(tokens.every((p) => p.attributes['gen_ai.provider.name'] === 'aws.bedrock')).toBe(true);

    // Their points: the wire's inputTokens (without the cache), keyed by gen_ai.system only.
    const theirs = await histogramPoints(awsReader, 'gen_ai.client.token.usage');
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((p) => p.attributes['gen_ai.system'] === 'aws.bedrock' && p.attributes['gen_ai.provider.name'] === undefined)).toBe(true);
    const theirInput = theirs.filter((p) => p.attributes['gen_ai.token.type'] === 'input').reduce((n, p) => n + p.sum, 0);
    expect(theirInput).toBe(served[0].inputTokens + served[1].inputTokens);
  });

  it('shows why usage must not be summed across both spans: theirs can differ from the conventions\' count', async () => {
    const cached = [{ role: 'user', content: [{ text: 'a shared prefix of several words' }, { cachePoint: { type: 'default' } }] }];
    await bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: cached }));
    const { ours, theirs } = pair(await bed.h.spans());
    const usage = bed.standIn.served[0].usage!;
    expect(ours.attributes['gen_ai.usage.input_tokens']).toBe(usage.inputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens);
    expect(theirs.attributes['gen_ai.usage.input_tokens']).toBe(usage.inputTokens);
  });

  it('meters a consumed stream once and ends both spans; the app reads every event', async () => {
    const output = await bed.client.send(new bed.sdk.ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));
    const events = await drain(output.stream);
    expect(events.at(-1)).toHaveProperty('metadata.usage');
    const { ours, theirs } = pair(await bed.h.spans());
    expect(ours.ended && theirs.ended).toBe(true);
    expect(ours.attributes['gen_ai.usage.output_tokens']).toBe(servedOutput(bed.standIn.served[0].usage!));
  });

  it('ends both spans when the consumer breaks out of a stream early', async () => {
    const output = await bed.client.send(new bed.sdk.InvokeModelWithResponseStreamCommand({
      modelId: 'meta.llama3-8b-instruct-v1:0',
      body: JSON.stringify({ prompt: 'stream a few words', max_gen_len: 50 }),
    }));
    let n = 0;
    for await (const _ of output.body) if (++n === 2) break;
    const { ours, theirs } = pair(await bed.h.spans());
    expect(ours.ended && theirs.ended).toBe(true);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('meters InvokeModel from the headers where the AWS SDK span estimates from the text', async () => {
    const output = await bed.client.send(new bed.sdk.InvokeModelCommand({ modelId: 'mistral.mistral-7b-instruct-v0:2', body: JSON.stringify({ prompt: 'hello mistral model', max_tokens: 50 }) }));
    const text = JSON.parse(Buffer.from(output.body).toString()).outputs[0].text;
    const { ours, theirs } = pair(await bed.h.spans());
    const usage = bed.standIn.served[0].usage!;
    expect(ours.attributes['gen_ai.usage.output_tokens']).toBe(usage.outputTokenCount);
    expect(theirs.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 6));
    await expectTokenTotals(bed.h, { output: usage.outputTokenCount });
  });
});
