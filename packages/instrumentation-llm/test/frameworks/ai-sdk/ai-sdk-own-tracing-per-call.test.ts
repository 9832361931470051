/**
 * The AI SDK's OpenTelemetry integration passed to one call (`telemetry: { integrations: [new OpenTelemetry()] }`)
 * instead of registered globally. The AI SDK keeps per-call integrations inside the call: the `ai:telemetry` channel's
 * messages carry the event (provider, model, settings, callId, recordInputs/recordOutputs/functionId) but not the
 * integrations, and the global registry tokenpath reads does not hold them. So tokenpath cannot tell that the AI SDK
 * traces such a call: both spans carry the usage, while the token metrics, which only tokenpath records, count it
 * once. `@ai-sdk/otel` is installed under test/.sdk on first run (test/support/sdk-versions.mjs).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { generateText, streamText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { expectTokenTotals, servedTotal } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
// @ts-expect-error -- untyped .mjs module
import { installSdkVersion } from '../../../../../test/support/sdk-versions.mjs';

const AI_SDK_OTEL_VERSION = '1.0.173';
const bed = useTestbed();
const openai = () => createOpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1` });
let integration: unknown;

beforeAll(async () => {
  const installed = await installSdkVersion('@ai-sdk/otel', AI_SDK_OTEL_VERSION);
  const { OpenTelemetry } = await import(pathToFileURL(join(installed.packageDir, 'dist', 'index.js')).href);
  integration = new OpenTelemetry({ tracer: bed.h.tracerProvider.getTracer('ai-sdk-otel') });
}, 300_000);

const usageOf = (span: { attributes: Record<string, unknown> }) => [span.attributes['gen_ai.usage.input_tokens'], span.attributes['gen_ai.usage.output_tokens']];

it.each([
  ['generateText', () => generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi there', telemetry: { integrations: [integration as any] } })],
  ['streamText', () => streamText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi there', telemetry: { integrations: [integration as any] } }).consumeStream()],
])('puts the usage of a %s with a per-call OpenTelemetry integration on both spans, and in the metrics once', async (_, call) => {
  expect((globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS).toBeUndefined();
  await call();
  const spans = await bed.h.spans();
  const ours = spans.filter((s) => s.instrumentationScope.name === '@tokenpath/instrumentation-llm');
  const theirs = spans.filter((s) => s.instrumentationScope.name === 'ai-sdk-otel' && s.name === 'chat gpt-4o-mini');
  const served = [servedTotal(bed.standIn, 'prompt_tokens'), servedTotal(bed.standIn, 'completion_tokens')];
  expect(ours).toHaveLength(1);
  expect(theirs).toHaveLength(1);
  expect(usageOf(ours[0])).toEqual(served);
  expect(ours[0].attributes['tokenpath.usage.source']).toBe('provider');
  expect(usageOf(theirs[0])).toEqual(served);
  await expectTokenTotals(bed.h, { input: served[0], output: served[1] });
});
