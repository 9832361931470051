import { describe, expect, it } from 'vitest';
import { ddTraceLlmPlugins } from '../../src/startup/dd-trace';

/** dd-trace's tracer as far as the plugin check reads it: its plugin manager's configuration. */
const tracer = (plugins: boolean, configsByName: Record<string, { enabled: boolean }> = {}) => ({
  _initialized: true,
  _pluginManager: { _tracerConfig: { plugins }, _configsByName: configsByName },
});

describe('dd-trace llm plugins', () => {
  it('are all on by default', () => {
    expect(ddTraceLlmPlugins(tracer(true), {})).toEqual(['openai', 'anthropic', 'google-genai', 'aws-sdk']);
  });

  it('follow DD_TRACE_DISABLED_PLUGINS and the per-plugin variables', () => {
    expect(ddTraceLlmPlugins(tracer(true), { DD_TRACE_DISABLED_PLUGINS: 'openai, anthropic' })).toEqual(['google-genai', 'aws-sdk']);
    expect(ddTraceLlmPlugins(tracer(true), { DD_TRACE_GOOGLE_GENAI_ENABLED: 'false', DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED: '0' })).toEqual([
      'openai',
      'anthropic',
    ]);
  });

  it('follow plugins: false and tracer.use(id, false)', () => {
    expect(ddTraceLlmPlugins(tracer(false), {})).toEqual([]);
    expect(ddTraceLlmPlugins(tracer(true, { openai: { enabled: false } }), {})).toEqual(['anthropic', 'google-genai', 'aws-sdk']);
  });
});
