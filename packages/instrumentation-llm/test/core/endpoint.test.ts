import { describe, expect, it } from 'vitest';
import { endpointOf } from '../../src/core/endpoint';

describe('endpointOf', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai', 'api.openai.com', 443],
    ['https://my-res.openai.azure.com/openai', 'azure.ai.openai', 'my-res.openai.azure.com', 443],
    ['https://my-res.cognitiveservices.azure.com/openai/v1', 'azure.ai.openai', 'my-res.cognitiveservices.azure.com', 443],
    ['https://api.groq.com/openai/v1', 'groq', 'api.groq.com', 443],
    ['https://api.deepseek.com', 'deepseek', 'api.deepseek.com', 443],
    ['https://api.x.ai/v1', 'x_ai', 'api.x.ai', 443],
    ['https://api.mistral.ai/v1', 'mistral_ai', 'api.mistral.ai', 443],
    ['https://api.together.xyz/v1', 'together_ai', 'api.together.xyz', 443],
    ['https://api.fireworks.ai/inference/v1', 'fireworks_ai', 'api.fireworks.ai', 443],
    ['https://api.perplexity.ai', 'perplexity', 'api.perplexity.ai', 443],
    ['https://openrouter.ai/api/v1', 'openrouter', 'openrouter.ai', 443],
    ['https://generativelanguage.googleapis.com/v1beta/openai/', 'gcp.gemini', 'generativelanguage.googleapis.com', 443],
    ['https://bedrock-runtime.us-east-1.amazonaws.com', 'aws.bedrock', 'bedrock-runtime.us-east-1.amazonaws.com', 443],
    ['http://localhost:11434/v1', 'ollama', 'localhost', 11434],
    ['http://127.0.0.1:8000/v1', 'vllm', '127.0.0.1', 8000],
  ])('maps %s to %s', (url, provider, address, port) => {
    expect(endpointOf(url)).toEqual({ provider, address, port });
  });

  it('leaves unknown hosts without a provider (the SDK flavour applies) and never keeps credentials', () => {
    expect(endpointOf('https://user:secret@llm.internal.example:9443/v1?key=abc')).toEqual({
      provider: undefined,
      address: 'llm.internal.example',
      port: 9443,
    });
    expect(endpointOf('https://s3.us-east-1.amazonaws.com').provider).toBeUndefined();
  });

  it('answers undefined for what is not a URL', () => {
    expect(endpointOf(undefined)).toEqual({ provider: undefined, address: undefined, port: undefined });
    expect(endpointOf('not a url').address).toBeUndefined();
  });
});
