import { describe, expect, it } from 'vitest';
import { endpointOf } from '../../src/core/endpoint';
import { StreamUsagePolicy, streamUsagePolicyFrom } from '../../src/core/stream-usage-policy';

describe('StreamUsagePolicy', () => {
  it('asks the hosts of the table and the configured ones, by host or host:port, and every host for *', () => {
    const policy = new StreamUsagePolicy(true, ['gateway.internal', 'localhost:9000']);
    const asks = (url: string) => policy.asks(endpointOf(url));
    expect([
      asks('https://api.openai.com/v1'),
      asks('https://res.openai.azure.com/openai'),
      asks('https://api.deepseek.com'),
      asks('https://api.x.ai/v1'),
      asks('http://127.0.0.1:8000/v1'),
      asks('https://gateway.internal:8443/v1'),
      asks('http://localhost:9000/v1'),
      asks('http://localhost:9001/v1'),
      asks('https://api.groq.com/openai/v1'),
      asks('https://api.together.xyz/v1'),
      asks('https://api.mistral.ai/v1'),
      asks(undefined as never),
    ]).toEqual([true, true, true, true, true, true, true, false, false, false, false, false]);
    expect(new StreamUsagePolicy(true, [' * ']).asks(endpointOf('https://llm.example.org/v1'))).toBe(true);
    expect(new StreamUsagePolicy(false, ['*']).asks(endpointOf('https://api.openai.com/v1'))).toBe(false);
  });

  it('stops asking a host that rejected the option, other ports and hosts unchanged', () => {
    const policy = new StreamUsagePolicy(true, ['*']);
    const a = endpointOf('http://10.0.0.1:4000/v1');
    const sameHostOtherPath = endpointOf('http://10.0.0.1:4000/other/v1');
    const otherPort = endpointOf('http://10.0.0.1:4001/v1');
    expect(policy.asks(a)).toBe(true);
    policy.rejected(a);
    expect([policy.asks(a), policy.asks(sameHostOtherPath), policy.asks(otherPort)]).toEqual([false, false, true]);
  });

  it('remembers at most 256 rejecting hosts, forgetting the oldest first', () => {
    const policy = new StreamUsagePolicy(true, ['*']);
    const host = (i: number) => endpointOf(`http://host-${i}.example:80/v1`);
    for (let i = 0; i < 300; i++) policy.rejected(host(i));
    expect((policy as any).rejecting.size).toBe(256);
    expect(policy.asks(host(0))).toBe(true);
    expect(policy.asks(host(43))).toBe(true);
    expect(policy.asks(host(44))).toBe(false);
    expect(policy.asks(host(299))).toBe(false);
  });

  it('reads the switch and the hosts from the env; options win; an invalid switch warns once and stays on', () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const env = { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE: 'FALSE', OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS: 'a.example, b.example:81' };
    expect(streamUsagePolicyFrom({}, env, warn).enabled).toBe(false);
    expect(streamUsagePolicyFrom({ enabled: true }, env, warn).enabled).toBe(true);
    const fromEnv = streamUsagePolicyFrom({}, { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS: env.OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS }, warn);
    expect([fromEnv.asks(endpointOf('https://a.example/v1')), fromEnv.asks(endpointOf('http://b.example:81/v1'))]).toEqual([true, true]);
    expect(streamUsagePolicyFrom({ hosts: [] }, env, warn).asks(endpointOf('https://a.example/v1'))).toBe(false);
    expect(warnings).toEqual([]);
    expect(streamUsagePolicyFrom({}, { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE: 'maybe' }, warn).enabled).toBe(true);
    expect(warnings).toEqual([
      'OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE has the invalid value "maybe"; allowed: true, false. Stream usage stays on.',
    ]);
  });
});
