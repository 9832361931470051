import { describe, expect, it } from 'vitest';
import { providerNameOf } from '../../../src/frameworks/ai-sdk/provider-name';

describe('providerNameOf', () => {
  it('names the providers the conventions know by the package part of the AI SDK provider id', () => {
    expect(
      ['openai.chat', 'openai.responses', 'openai.embedding', 'azure.chat', 'anthropic.messages', 'google.generative-ai', 'google.vertex.chat', 'vertex.anthropic.messages', 'amazon-bedrock', 'mistral.chat', 'groq.chat', 'xai.chat', 'togetherai.chat', 'deepseek.chat', 'cohere.chat'].map(
        providerNameOf,
      ),
    ).toEqual(['openai', 'openai', 'openai', 'azure.ai.openai', 'anthropic', 'gcp.gemini', 'gcp.vertex_ai', 'gcp.vertex_ai', 'aws.bedrock', 'mistral_ai', 'groq', 'x_ai', 'together_ai', 'deepseek', 'cohere']);
  });

  it('keeps the package part of a provider the conventions do not name', () => {
    expect(['gateway', 'custom-openai.chat', 'workers-ai.chat'].map(providerNameOf)).toEqual(['gateway', 'custom-openai', 'workers-ai']);
  });
});
