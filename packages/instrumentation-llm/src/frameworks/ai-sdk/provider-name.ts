/**
 * `gen_ai.provider.name` of an AI SDK model, from its provider id (`openai.chat`,
 * `anthropic.messages`, `google.vertex.chat`, `amazon-bedrock`, …): the id names the provider
 * package and, after the first dot, the API. Provider packages the conventions name map to their
 * value; any other (a community provider, the AI Gateway's `gateway`) keeps the package part.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-spans.md
 */
import {
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_CEREBRAS,
  GEN_AI_PROVIDER_NAME_VALUE_COHERE,
  GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  GEN_AI_PROVIDER_NAME_VALUE_FIREWORKS_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OLLAMA,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENROUTER,
  GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY,
  GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI,
  GEN_AI_PROVIDER_NAME_VALUE_X_AI,
} from '@tokenpath/semconv';

/** The package part of the id (before the first dot) → the conventions' value. */
const BY_PACKAGE: ReadonlyMap<string, string> = new Map([
  ['openai', GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
  ['azure', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['anthropic', GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC],
  ['google', GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI],
  ['vertex', GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI],
  ['amazon-bedrock', GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK],
  ['bedrock', GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK],
  ['mistral', GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI],
  ['groq', GEN_AI_PROVIDER_NAME_VALUE_GROQ],
  ['cohere', GEN_AI_PROVIDER_NAME_VALUE_COHERE],
  ['deepseek', GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK],
  ['xai', GEN_AI_PROVIDER_NAME_VALUE_X_AI],
  ['togetherai', GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI],
  ['fireworks', GEN_AI_PROVIDER_NAME_VALUE_FIREWORKS_AI],
  ['perplexity', GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY],
  ['cerebras', GEN_AI_PROVIDER_NAME_VALUE_CEREBRAS],
  ['moonshotai', GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI],
  ['openrouter', GEN_AI_PROVIDER_NAME_VALUE_OPENROUTER],
  ['ollama', GEN_AI_PROVIDER_NAME_VALUE_OLLAMA],
]);

/** `google.vertex.chat` is Vertex AI, not the Gemini API that `google.generative-ai` is. */
const VERTEX_PREFIX = 'google.vertex';

export function providerNameOf(providerId: string): string {
  if (providerId.startsWith(VERTEX_PREFIX)) return GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI;
  const dot = providerId.indexOf('.');
  const pkg = dot < 0 ? providerId : providerId.slice(0, dot);
  return BY_PACKAGE.get(pkg) ?? pkg;
}
