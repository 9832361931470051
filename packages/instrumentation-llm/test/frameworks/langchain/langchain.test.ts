/**
 * LangChain.js (`@langchain/openai` on the root `openai` 7, `@langchain/anthropic` on its own nested
 * `@anthropic-ai/sdk` 0.122): both call the provider SDKs, which tokenpath patches wherever they are installed, so
 * LangChain is metered without anything of its own: exact tokens, one operation per model call for `invoke`,
 * `stream` and a tool-calling loop, and the spans' place under a LangChain tracer's spans.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { context, trace, type Span } from '@opentelemetry/api';
import { z } from 'zod';
import { DURATION, expectTokenTotals, onlySpan, plainAndInstrumented, pointCount, servedTotal } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
// @ts-expect-error -- plain ESM script (no declaration file)
import { installSdkVersions } from '../../../../../test/support/sdk-versions.mjs';

const bed = useTestbed();
const lc = () => ({
  openai: bed.h.load('@langchain/openai'),
  anthropic: bed.h.load('@langchain/anthropic'),
  messages: bed.h.load('@langchain/core/messages'),
  tools: bed.h.load('@langchain/core/tools'),
});
const chatOpenAI = () => new (lc().openai.ChatOpenAI)({ model: 'gpt-4o-mini', apiKey: 'test-key', configuration: { baseURL: `${bed.standIn.url}/v1` }, maxRetries: 0 });
const chatAnthropic = () => new (lc().anthropic.ChatAnthropic)({ model: 'claude-sonnet-4-5', apiKey: 'test-key', anthropicApiUrl: bed.standIn.url, maxRetries: 0 });
const served = (i = 0): Record<string, any> => bed.standIn.served[i].usage!;
/** LangChain runs its callback handlers from a background queue by default: the tracers' spans end there. */
const awaitLangChainCallbacks = (): Promise<void> => bed.h.load('@langchain/core/callbacks/promises').awaitAllCallbacks();

describe('the provider SDKs under LangChain', () => {
  it('meters the nested @anthropic-ai/sdk copy that @langchain/anthropic brings', async () => {
    const langchainAnthropic = dirname(createRequire(import.meta.url).resolve('@langchain/anthropic/package.json'));
    const nestedSdk = join(langchainAnthropic, 'node_modules', '@anthropic-ai', 'sdk');
    expect(createRequire(join(langchainAnthropic, 'package.json')).resolve('@anthropic-ai/sdk').startsWith(nestedSdk)).toBe(true);
    expect(JSON.parse(readFileSync(join(nestedSdk, 'package.json'), 'utf8')).version).toBe('0.122.0');
    const rootSdk = dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sdk'));
    expect(JSON.parse(readFileSync(join(rootSdk, 'package.json'), 'utf8')).version).not.toBe('0.122.0');
    await chatAnthropic().invoke('tell me about tokens');
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.input_tokens']).toBe(served().input_tokens);
  });

  it('meters ChatOpenAI.invoke as one chat operation with the tokens OpenAI stated', async () => {
    const r = await chatOpenAI().invoke('tell me about tokens');
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'tokenpath.usage.source': 'provider',
    });
    expect(r.usage_metadata.input_tokens).toBe(served().prompt_tokens);
    await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
  });

  it('meters ChatOpenAI.stream once, with the usage LangChain asks OpenAI for', async () => {
    let text = '';
    for await (const chunk of await chatOpenAI().stream('tell me about streams')) text += chunk.content;
    expect(text).toBe('This is a reply from the tokenpath stand-in about tell me about');
    expect(bed.standIn.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
    });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('meters a ChatOpenAI stream whose usage LangChain was told not to ask for, and hands LangChain the same chunks', async () => {
    const model = () =>
      new (lc().openai.ChatOpenAI)({ model: 'gpt-4o-mini', apiKey: 'test-key', configuration: { baseURL: `${bed.standIn.url}/v1` }, maxRetries: 0, streamUsage: false });
    const call = async () => {
      const chunks: any[] = [];
      for await (const chunk of await model().stream('tell me about streams')) chunks.push({ content: chunk.content, usage: chunk.usage_metadata ?? null });
      return chunks;
    };
    // The stand-in is no host tokenpath asks by default (README, Usage on every OpenAI-style stream).
    bed.h.instrumentation.setConfig({ streamUsageHosts: [`127.0.0.1:${bed.standIn.port}`] });
    let plain: any[], output: any[];
    try {
      ({ plain, output } = await plainAndInstrumented(bed.h, call, { resetBetween: true }));
    } finally {
      bed.h.instrumentation.setConfig({});
    }
    expect(output).toEqual(plain);
    expect(output.every((c: any) => c.usage === null)).toBe(true);
    expect(bed.standIn.requests.slice(-2).map((r) => r.body.stream_options)).toEqual([undefined, { include_usage: true }]);
    const span = await onlySpan(bed.h);
    const last = bed.standIn.served.at(-1)!.usage!;
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': last.prompt_tokens, 'gen_ai.usage.output_tokens': last.completion_tokens });
  });

  it('meters ChatAnthropic.invoke and .stream with the counts Anthropic stated', async () => {
    await chatAnthropic().invoke('tell me about tokens');
    let last: any;
    for await (const chunk of await chatAnthropic().stream('tell me about streams')) last = last ? last.concat(chunk) : chunk;
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.attributes['gen_ai.provider.name'], s.attributes['gen_ai.request.stream'] === true])).toEqual([
      ['anthropic', false],
      ['anthropic', true],
    ]);
    expect(spans.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual([served(0).output_tokens, served(1).output_tokens]);
    await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'input_tokens'), output: servedTotal(bed.standIn, 'output_tokens') });
    expect(last.content).toBe('This is a reply from the tokenpath stand-in about tell me about');
    // LangChain's own aggregate of the stream adds message_start's output count (1 here, as Anthropic states it)
    // to the final one; tokenpath reports what the provider stated last (README, Frameworks).
    expect(last.usage_metadata.output_tokens).toBe(served(1).output_tokens + 1);
  });

  it('records one chat operation per model call of a tool-calling loop', async () => {
    const { messages, tools } = lc();
    const weather = tools.tool(async ({ location }: { location: string }) => `sunny in ${location}`, {
      name: 'weather',
      description: 'weather of a city',
      schema: z.object({ location: z.string() }),
    });
    const model = chatOpenAI().bindTools([weather]);
    const history: any[] = [new messages.HumanMessage('what is the weather in Paris')];
    for (let turn = 0; turn < 3; turn++) {
      const reply = await model.invoke(history);
      history.push(reply);
      if (!reply.tool_calls?.length) break;
      for (const call of reply.tool_calls) history.push(await weather.invoke(call));
    }
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_calls'], ['stop']]);
    await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'prompt_tokens'), output: servedTotal(bed.standIn, 'completion_tokens') });
  });

  it('meters ChatOpenAI on the Responses API and OpenAIEmbeddings, one operation per request', async () => {
    const { openai } = lc();
    const responses = new openai.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', configuration: { baseURL: `${bed.standIn.url}/v1` }, maxRetries: 0, useResponsesApi: true });
    await responses.invoke('tell me about tokens');
    const embeddings = new openai.OpenAIEmbeddings({ model: 'text-embedding-3-small', apiKey: 'test-key', configuration: { baseURL: `${bed.standIn.url}/v1` }, maxRetries: 0, batchSize: 2 });
    const vectors = await embeddings.embedDocuments(['one two', 'three', 'four five six']);
    expect(vectors).toHaveLength(3);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, s.attributes['openai.api.type'] ?? null])).toEqual([
      ['chat gpt-4o-mini', 'responses'],
      ['embeddings text-embedding-3-small', null],
      ['embeddings text-embedding-3-small', null],
    ]);
    expect(spans.map((s) => s.attributes['gen_ai.usage.input_tokens'])).toEqual([served(0).input_tokens, served(1).prompt_tokens, served(2).prompt_tokens]);
  });

  it('returns the same LangChain results with and without the instrumentation', async () => {
    const call = async () => {
      const invoked = await chatOpenAI().invoke('tell me about tokens');
      const chunks: string[] = [];
      for await (const c of await chatAnthropic().stream('tell me about streams')) chunks.push(String(c.content));
      return { content: invoked.content, usage: invoked.usage_metadata, chunks };
    };
    const { plain, output } = await plainAndInstrumented(bed.h, call, { resetBetween: true });
    expect(output).toEqual(plain);
    expect(await bed.h.spans()).toHaveLength(2);
  });
});

describe('under a LangChain tracer', () => {
  /** A LangChain tracer that makes an OpenTelemetry span per run, as OpenInference's and TruLens's do. */
  const otelTracer = () => {
    const { BaseTracer } = bed.h.load('@langchain/core/tracers/base');
    const tracer = bed.h.tracerProvider.getTracer('langchain-tracer');
    const spans = new Map<string, Span>();
    return new (class extends BaseTracer {
      name = 'otel-test-tracer';
      protected persistRun(): Promise<void> {
        return Promise.resolve();
      }
      async onRunCreate(run: any) {
        const parent = run.parent_run_id && spans.get(run.parent_run_id);
        const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
        spans.set(run.id, tracer.startSpan(`${run.run_type} ${run.name}`, {}, ctx));
      }
      async onRunUpdate(run: any) {
        spans.get(run.id)?.end();
      }
    })();
  };

  it('puts the chat span in the trace of the chain, under the span active when the chain was invoked', async () => {
    const { messages } = lc();
    const runnables = bed.h.load('@langchain/core/runnables');
    const chain = runnables.RunnableSequence.from([(q: string) => [new messages.HumanMessage(q)], chatOpenAI()]);
    const app = bed.h.tracerProvider.getTracer('app').startSpan('handle request');
    await context.with(trace.setSpan(context.active(), app), () => chain.invoke('tell me about tokens', { callbacks: [otelTracer()] }));
    await awaitLangChainCallbacks();
    app.end();
    const spans = await bed.h.spans();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const appId = app.spanContext().spanId;
    expect(spans.map((s) => s.name).sort()).toEqual(['chain RunnableLambda', 'chain RunnableSequence', 'chat gpt-4o-mini', 'handle request', 'llm ChatOpenAI']);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    // The tracer's tree: sequence under the app span, the model run under the sequence.
    expect(byName('chain RunnableSequence').parentSpanContext?.spanId).toBe(appId);
    expect(byName('llm ChatOpenAI').parentSpanContext?.spanId).toBe(byName('chain RunnableSequence').spanContext().spanId);
    // LangChain runs the model call outside its handlers' context: tokenpath's span is where the call ran.
    expect(byName('chat gpt-4o-mini').parentSpanContext?.spanId).toBe(appId);
    await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
  });
});

/** OpenInference's LangChain instrumentation is no dependency of the repo: installed under test/.sdk like the SDK versions. */
const OPENINFERENCE_LANGCHAIN = '@arizeai/openinference-instrumentation-langchain';
const OPENINFERENCE_LANGCHAIN_VERSION = '4.1.1';

describe("under OpenInference's LangChain instrumentation", () => {
  let openinference: any;
  beforeAll(async () => {
    const [installed]: { dir: string }[] = await installSdkVersions([`${OPENINFERENCE_LANGCHAIN}@${OPENINFERENCE_LANGCHAIN_VERSION}`]);
    openinference = createRequire(join(installed.dir, 'package.json'))(OPENINFERENCE_LANGCHAIN);
  }, 300_000);

  /** Runs `fn` under what an app runs as "a LangChain tracer": the instrumentation adds its tracer to every callback
   * manager, patched by hand as its README says LangChain must be (its require hook off). */
  const underOpenInference = async (fn: () => Promise<unknown>) => {
    const callbacks = bed.h.load('@langchain/core/callbacks/manager');
    const lcInstrumentation = new openinference.LangChainInstrumentation({ tracerProvider: bed.h.tracerProvider, instrumentationConfig: { enabled: false } });
    lcInstrumentation.manuallyInstrument(callbacks);
    try {
      await fn();
      await awaitLangChainCallbacks();
    } finally {
      lcInstrumentation.unpatch(callbacks);
    }
  };
  const inAppSpan = async (fn: () => Promise<unknown>) => {
    const app = bed.h.tracerProvider.getTracer('app').startSpan('handle request');
    await underOpenInference(() => context.with(trace.setSpan(context.active(), app), fn));
    app.end();
    const spans = await bed.h.spans();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(byName('ChatOpenAI').instrumentationScope.name).toBe(OPENINFERENCE_LANGCHAIN);
    return { spans, byName, idOf: (name: string) => byName(name).spanContext().spanId, appId: app.spanContext().spanId };
  };

  it("puts the chat span in the trace of OpenInference's LangChain spans, beside its model-run span", async () => {
    const { messages } = lc();
    const runnables = bed.h.load('@langchain/core/runnables');
    const chain = runnables.RunnableSequence.from([(q: string) => [new messages.HumanMessage(q)], chatOpenAI()]);
    const { spans, byName, idOf, appId } = await inAppSpan(() => chain.invoke('tell me about tokens'));
    expect(spans.map((s) => s.name).sort()).toEqual(['ChatOpenAI', 'RunnableLambda', 'RunnableSequence', 'chat gpt-4o-mini', 'handle request']);
    expect(byName('RunnableSequence').parentSpanContext?.spanId).toBe(appId);
    expect(byName('ChatOpenAI').parentSpanContext?.spanId).toBe(idOf('RunnableSequence'));
    // OpenInference starts the model run's span in handleChatModelStart and ends it in handleLLMEnd, and never makes
    // it active; the model call between them runs in the context the chain was invoked in (README, Frameworks).
    expect(byName('chat gpt-4o-mini').parentSpanContext?.spanId).toBe(appId);
    // Both describe the same call: OpenInference's span repeats the provider's counts (LangChain's usage_metadata);
    // the metrics are tokenpath's alone and count the call once.
    expect(byName('ChatOpenAI').attributes).toMatchObject({
      'llm.token_count.prompt': served().prompt_tokens,
      'llm.token_count.completion': served().completion_tokens,
    });
    await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it("keeps a stream's chat span beside the model-run span even with LangChain's handlers awaited", async () => {
    // Awaited handlers (read when a handler is made): OpenInference's span exists before the SDK call starts, and is
    // still not the active span during it.
    process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'false';
    let text = '';
    try {
      const { byName, appId } = await inAppSpan(async () => {
        for await (const chunk of await chatOpenAI().stream('tell me about streams')) text += chunk.content;
      });
      const startNs = (name: string) => byName(name).startTime[0] * 1e9 + byName(name).startTime[1];
      expect(startNs('ChatOpenAI')).toBeLessThanOrEqual(startNs('chat gpt-4o-mini'));
      expect(byName('ChatOpenAI').parentSpanContext?.spanId).toBe(appId);
      expect(byName('chat gpt-4o-mini').parentSpanContext?.spanId).toBe(appId);
      expect(byName('chat gpt-4o-mini').attributes).toMatchObject({
        'gen_ai.request.stream': true,
        'gen_ai.usage.input_tokens': served().prompt_tokens,
        'gen_ai.usage.output_tokens': served().completion_tokens,
      });
    } finally {
      delete process.env.LANGCHAIN_CALLBACKS_BACKGROUND;
    }
    expect(text).toBe('This is a reply from the tokenpath stand-in about tell me about');
  });
});
