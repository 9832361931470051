/**
 * The AI SDK tracing itself (`@ai-sdk/otel`'s OpenTelemetry integration, registered as its docs say) next to
 * tokenpath: both describe each model call with a span, and the tokens are counted once: on spans, only the AI SDK's
 * span carries usage; in the metrics, which only tokenpath records, once per call. `@ai-sdk/otel` is not a dependency:
 * it is installed under test/.sdk on first run (test/support/sdk-versions.mjs).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { generateText, embed, stepCountIs, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { DURATION, expectTokenTotals, pointCount, servedTotal } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
// @ts-expect-error -- untyped .mjs module
import { installSdkVersion } from '../../../../../test/support/sdk-versions.mjs';

const AI_SDK_OTEL_VERSION = '1.0.173';
const bed = useTestbed();
const openai = () => createOpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1` });
const USAGE_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens'];

beforeAll(async () => {
  const installed = await installSdkVersion('@ai-sdk/otel', AI_SDK_OTEL_VERSION);
  const { OpenTelemetry } = await import(pathToFileURL(join(installed.packageDir, 'dist', 'index.js')).href);
  const { registerTelemetry } = await import('ai');
  registerTelemetry(new OpenTelemetry({ tracer: bed.h.tracerProvider.getTracer('ai-sdk-otel') }));
}, 300_000);
afterAll(() => {
  delete (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
});

const weather = tool({
  description: 'weather of a city',
  inputSchema: z.object({ location: z.string() }),
  execute: async ({ location }) => `sunny in ${location}`,
});

it('counts the tokens of each model call once when the AI SDK traces itself', async () => {
  await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'what is the weather in Paris', tools: { weather }, stopWhen: stepCountIs(3) });
  const spans = await bed.h.spans();
  const ours = spans.filter((s) => s.instrumentationScope.name === '@tokenpath/instrumentation-llm');
  const theirModelCalls = spans.filter((s) => s.instrumentationScope.name === 'ai-sdk-otel' && s.name === 'chat gpt-4o-mini');
  expect(ours.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
  expect(theirModelCalls).toHaveLength(2);
  // One span per model call carries usage: the AI SDK's; tokenpath's keeps the rest of what it knows.
  for (const span of ours) {
    for (const key of [...USAGE_KEYS, 'tokenpath.usage.source']) expect(span.attributes[key]).toBeUndefined();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(expect.any(Array));
  }
  const servedInput = servedTotal(bed.standIn, 'prompt_tokens');
  const servedOutput = servedTotal(bed.standIn, 'completion_tokens');
  const sum = (key: string) => theirModelCalls.reduce((n, s) => n + (s.attributes[key] as number), 0);
  expect([sum('gen_ai.usage.input_tokens'), sum('gen_ai.usage.output_tokens')]).toEqual([servedInput, servedOutput]);
  // The token metrics are tokenpath's alone: once per call.
  await expectTokenTotals(bed.h, { input: servedInput, output: servedOutput });
  expect(pointCount(await bed.h.points(DURATION))).toBe(2);
});

it('puts both spans of a model call under the span active at the call', async () => {
  const app = bed.h.tracerProvider.getTracer('app').startSpan('handle request');
  await context.with(trace.setSpan(context.active(), app), () => generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi' }));
  app.end();
  const spans = await bed.h.spans();
  const parentOf = (scope: string, name: string) =>
    spans.find((s) => s.instrumentationScope.name === scope && s.name === name)?.parentSpanContext?.spanId;
  expect(parentOf('@tokenpath/instrumentation-llm', 'chat gpt-4o-mini')).toBe(app.spanContext().spanId);
  expect(parentOf('ai-sdk-otel', 'invoke_agent gpt-4o-mini')).toBe(app.spanContext().spanId);
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
});

it('leaves usage off the embeddings span too, and still meters it', async () => {
  await embed({ model: openai().embedding('text-embedding-3-small'), value: 'one two three' });
  const spans = await bed.h.spans();
  const ours = spans.filter((s) => s.instrumentationScope.name === '@tokenpath/instrumentation-llm');
  expect(ours.map((s) => s.name)).toEqual(['embeddings text-embedding-3-small']);
  expect(ours[0].attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'prompt_tokens') });
});

it.each([
  ['no integration', []],
  ['an integration that makes no spans', [{ onStart() {} }]],
])('leaves usage off its span even when a call replaces the registered integrations with %s', async (_, integrations) => {
  // Per-call integrations replace the registered ones for that call, and are not in the channel's messages: tokenpath
  // still sees the registered OpenTelemetry integration, so neither span carries this call's usage; the metrics do.
  await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi', telemetry: { integrations } });
  const spans = await bed.h.spans();
  expect(spans.map((s) => [s.instrumentationScope.name, s.name])).toEqual([['@tokenpath/instrumentation-llm', 'chat gpt-4o-mini']]);
  for (const key of [...USAGE_KEYS, 'tokenpath.usage.source']) expect(spans[0].attributes[key]).toBeUndefined();
  await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'prompt_tokens'), output: servedTotal(bed.standIn, 'completion_tokens') });
});
