/**
 * The ddapm-test-agent harness itself, against the real agent: it starts on free ports, reads back what the agent
 * decoded, reports a poisoned store instead of returning half the data, and leaves nothing running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddTestAgentMissing, startDdTestAgent, type DdTestAgent } from './dd-test-agent.js';

const missing = ddTestAgentMissing();
if (missing) console.warn(`skipping the ddapm-test-agent harness tests: ${missing}`);

describe.skipIf(missing !== undefined)('ddapm-test-agent harness', () => {
  let agent: DdTestAgent;
  beforeAll(async () => {
    agent = await startDdTestAgent();
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('reads back an OTLP/JSON export as the agent decoded it, flattened like the OTLP receiver', async () => {
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'harness' } }] },
        scopeSpans: [{
          scope: { name: 'harness-scope', version: '1.0.0' },
          spans: [{
            traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', name: 'chat m', kind: 3,
            startTimeUnixNano: '1000', endTimeUnixNano: '2000',
            attributes: [
              { key: 'gen_ai.usage.input_tokens', value: { intValue: '7' } },
              { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
            ],
          }],
        }],
      }],
    };
    const response = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    expect(await agent.spans()).toEqual([{
      name: 'chat m', kind: 3, traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', parentSpanId: '',
      attributes: { 'gen_ai.usage.input_tokens': 7, 'gen_ai.response.finish_reasons': ['stop'] },
      status: { code: 0 }, events: [], startTimeUnixNano: 1000, endTimeUnixNano: 2000,
      resource: { 'service.name': 'harness' }, scope: { name: 'harness-scope', version: '1.0.0' },
    }]);
    expect((await agent.requests()).map((r) => new URL(r.url).pathname)).toEqual(['/v1/traces']);
    await agent.clear();
    expect(await agent.otlpTraces()).toEqual([]);
  });

  it('reads back Datadog-format traces from the trace intake as decoded', async () => {
    const span = {
      name: 'openai.request', service: 'harness', resource: 'chat', type: 'llm', trace_id: 1, span_id: 2, parent_id: 0,
      start: 1000, duration: 50, error: 0, meta: { 'gen_ai.request.model': 'm' }, metrics: { 'gen_ai.usage.input_tokens': 7 },
    };
    const response = await fetch(`${agent.traceUrl}/v0.4/traces`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([[span]]) });
    expect(response.status).toBe(200);
    expect(await agent.traces()).toEqual([[span]]);
    await agent.clear();
    expect(await agent.traces()).toEqual([]);
  });

  it('throws the decode error of a malformed request on every read until clear', async () => {
    await fetch(`${agent.otlpHttpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0xff, 0xff, 0xff]) });
    await expect(agent.metrics()).rejects.toThrow(/HTTP 4\d\d|HTTP 5\d\d/);
    await expect(agent.metrics()).rejects.toThrow(/HTTP/);
    await agent.clear();
    expect(await agent.metrics()).toEqual([]);
  });

  it('stops by pid and frees its ports', async () => {
    const other = await startDdTestAgent();
    expect((await fetch(`${other.traceUrl}/info`)).ok).toBe(true);
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
    for (const url of [other.traceUrl, other.otlpHttpUrl]) await expect(fetch(`${url}/info`)).rejects.toThrow();
  });
});
