/**
 * Usage on every stream, on recorded wires: every OpenAI-style chat stream of the shared wire corpus that was
 * recorded WITH `stream_options.include_usage` (OpenAI, Azure OpenAI and OpenAI-compatible hosts) is replayed by the
 * stand-in to the real openai SDK, whose caller did not ask for usage, on a host tokenpath asks (api.openai.com,
 * reached through a custom fetch). The caller must get the recording as the host sends it without the option (the
 * usage-only chunk gone, no `usage` key on any other chunk: the shape of the corpus' no-usage recording), every
 * other field as recorded; the span must carry the usage the corpus states.
 */
import { describe, expect, it } from 'vitest';
import { drain, onlySpan, plainAndInstrumented } from '../../packages/instrumentation-llm/test/support/helpers';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { fetchVia } from '../../packages/instrumentation-llm/test/support/stream-usage';
import { corpusPresent, loadCases, present, type WireCase } from './support';

const recordedWithUsage = (c: WireCase): boolean =>
  c.api === 'chat.completions' && c.streaming && c.request.body?.stream_options?.include_usage === true && c.response.status === 200;
const cases = loadCases('stream-usage', ['openai-chat-stream', 'openai-compatible'], recordedWithUsage);

const bed = useTestbed();

/** What the host sends without the option, per its documented contract: the recording minus what the option adds. */
function withoutTheOption(chunks: any[]): any[] {
  return chunks
    .filter((c) => !(Array.isArray(c.choices) && c.choices.length === 0 && c.usage))
    .map((c) => {
      const { usage: _usage, ...rest } = c;
      return rest;
    });
}

describe.skipIf(!corpusPresent)('recorded include_usage streams, for a caller that did not ask', () => {
  it('the corpus has such recordings', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const c of cases) {
    it(c.id, async () => {
      const OpenAI = bed.h.load('openai');
      const client = new OpenAI({ apiKey: 'sk-test-secret-key', baseURL: 'https://api.openai.com/v1', maxRetries: 0, fetch: fetchVia(bed.standIn.url) });
      const { stream_options: _asked, ...body } = c.request.body!;
      const run = async () => {
        bed.standIn.enqueue(c);
        return drain(await client.chat.completions.create({ ...body, stream: true }));
      };
      const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
      // The recording has the usage chunk; the caller who did not ask gets the recording without what the option adds.
      expect(plain.some((chunk: any) => chunk.usage)).toBe(true);
      expect(output).toStrictEqual(withoutTheOption(plain));
      // Key order too (a copy that drops `usage` must keep the wire's order: JSON of the chunks is the same).
      expect(JSON.stringify(output)).toBe(JSON.stringify(withoutTheOption(plain)));
      expect(output.some((chunk: any) => 'usage' in chunk)).toBe(false);
      expect(bed.standIn.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
      const span = await onlySpan(bed.h);
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(present(c.expected.input_tokens));
      expect(span.attributes['tokenpath.usage.source']).toBe('provider');
    });
  }
});
