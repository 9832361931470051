/**
 * The third-party instrumentations of `@anthropic-ai/sdk` the Anthropic bench compares tokenpath
 * with: there is no contrib one, so these take the place `@opentelemetry/instrumentation-openai`
 * has for openai. Pinned versions, installed on first use next to the tests' SDK copies
 * (test/.sdk/<package>@<major>, git-ignored), never a dependency of the repo.
 *
 * Both capture prompt and completion content by default; tokenpath does not. They run here with
 * content capture switched off through their own options, so that all three record the same kind
 * of telemetry (model, usage, finish reasons), the cost the target compares.
 */

export const ANTHROPIC_PEERS = {
  /** OpenLLMetry JS (Traceloop). Its `patch` reads `Anthropic.Completions`, gone in @anthropic-ai/sdk 1.x: loading 1.x with it throws. */
  openllmetry: {
    package: '@traceloop/instrumentation-anthropic',
    version: '0.27.0',
    sdkMajors: ['0'],
    create: (mod) => new mod.AnthropicInstrumentation({ traceContent: false }),
    /** [input, output] as its span records them. */
    usage: (a) => [a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens']],
  },
  /** OpenInference JS (Arize): OpenInference attributes, not the GenAI conventions; no metrics. */
  openinference: {
    package: '@arizeai/openinference-instrumentation-anthropic',
    version: '0.2.8',
    sdkMajors: ['0', '1'],
    create: (mod) => new mod.AnthropicInstrumentation({ traceConfig: { hideInputs: true, hideOutputs: true } }),
    usage: (a) => [a['llm.token_count.prompt'], a['llm.token_count.completion']],
  },
};

/** The peers that support an @anthropic-ai/sdk major. */
export const peersFor = (major) => Object.keys(ANTHROPIC_PEERS).filter((k) => ANTHROPIC_PEERS[k].sdkMajors.includes(major));
