import { describe, expect, it } from 'vitest';
import { drain, json } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { geminiClient } from './support';
import { weatherTool } from './support-tools';

const bed = useTestbed(geminiClient, { config: { captureMessageContent: true, maxContentLength: 4096 } });

describe('content capture, when the user opts in', () => {
  it("records system instructions, input, output and tool definitions in the conventions' shape", async () => {
    await bed.client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'weather in Paris?',
      config: {
        systemInstruction: 'You are terse.',
        tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'long text', parameters: { type: 'OBJECT', properties: {} } }] }, { googleSearch: {} }],
      },
    });
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'weather in Paris?' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { location: 'Paris' } }], finish_reason: 'STOP' },
    ]);
    expect(json(span.attributes['gen_ai.tool.definitions'])).toEqual([
      { type: 'function', name: 'get_weather' },
      { type: 'googleSearch', name: 'googleSearch' },
    ]);
  });

  it('maps a multi-turn history: model turns are assistant, function responses are tool turns, media are blob and uri parts', async () => {
    await bed.client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        { role: 'user', parts: [{ text: 'what is on this picture?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'cat' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { result: 'a cat' } } }] },
        { role: 'user', parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/doc.pdf' } }, { text: 'and this?' }] },
      ],
    });
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'what is on this picture?' }, { type: 'blob', mime_type: 'image/png', modality: 'image', content: 'iVBORw0KGgo=' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'lookup', arguments: { q: 'cat' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', response: { result: 'a cat' } }] },
      { role: 'user', parts: [{ type: 'uri', mime_type: 'application/pdf', modality: 'document', uri: 'gs://bucket/doc.pdf' }, { type: 'text', content: 'and this?' }] },
    ]);
  });

  it('records streamed output per candidate, thought summaries as reasoning parts', async () => {
    const chunks = await drain(
      await bed.client.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'hello stream',
        config: { candidateCount: 2, thinkingConfig: { includeThoughts: true } },
      }),
    );
    const texts = ['', ''];
    for (const c of chunks) for (const cand of c.candidates ?? []) for (const p of cand.content?.parts ?? []) if (!p.thought) texts[cand.index ?? 0] += p.text;
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual(
      texts.map((t) => ({
        role: 'assistant',
        parts: [{ type: 'reasoning', content: 'Thinking briefly.' }, { type: 'text', content: t }],
        finish_reason: 'STOP',
      })),
    );
  });

  it('records the input of every request of an automatic function calling loop', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [weatherTool()] } });
    const spans = await bed.h.spans();
    expect(spans.map((s) => json(s.attributes['gen_ai.input.messages']).map((m: any) => m.role))).toEqual([
      ['user'],
      ['user', 'assistant', 'tool'],
    ]);
  });

  it('never records credentials found in content', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'my key is AIzaSyDUMMYdummyDUMMY0123456789' });
    const [span] = await bed.h.spans();
    expect(String(span.attributes['gen_ai.input.messages'])).not.toContain('AIzaSyDUMMY');
  });
});
