/**
 * The AI SDK's own OpenTelemetry spans. `ai` 7 traces itself when an OpenTelemetry integration is
 * registered (`registerTelemetry(new OpenTelemetry())` from `@ai-sdk/otel`, or its
 * `LegacyOpenTelemetry`): its `chat {model}` and `embeddings {model}` spans carry
 * `gen_ai.usage.*` too. That span and tokenpath's describe the same request, so tokenpath's span
 * then leaves usage out (as next to the Anthropic SDK's own spans): summing usage over spans counts
 * each request once, and the token metrics, which only tokenpath records, count it once anyway.
 *
 * Registered integrations live in `globalThis.AI_SDK_TELEMETRY_INTEGRATIONS` (the `ai` package's
 * registry, shared by every copy); one that holds an OpenTelemetry tracer is one that makes spans
 * (duck-typed: bundlers rename classes). Integrations passed per call (`telemetry.integrations`)
 * replace the registered ones for that call, and the AI SDK keeps them inside the call: a channel
 * message is `{ type, event }`, the event holding the call's settings, `callId`, `recordInputs`,
 * `recordOutputs` and `functionId`, never its integrations (`ai` 7.0.173, `createTelemetryDispatcher`),
 * and their wrapper runs inside the model call, after the channel's start. So this reads the registry
 * only: a per-call OpenTelemetry integration leaves usage on both spans, and a per-call list without
 * one, while one is registered, on neither (test/frameworks/ai-sdk/ai-sdk-own-tracing*.test.ts).
 */
interface Integration {
  tracer?: { startSpan?: unknown };
}

export function aiSdkTracesItself(): boolean {
  const integrations = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (!Array.isArray(integrations)) return false;
  for (const integration of integrations as Integration[]) {
    if (typeof integration?.tracer?.startSpan === 'function') return true;
  }
  return false;
}
