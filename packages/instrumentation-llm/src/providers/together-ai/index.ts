/**
 * `together-ai`: Stainless-generated like `openai`, speaking the OpenAI chat format (finish reason
 * `eos`; stream usage on the finish chunk, unasked). Patched: `chat.completions.create` (what
 * `chat.completions.stream()` ends in), legacy `completions.create` and `embeddings.create` (whose
 * response states no usage, so none is recorded).
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI } from '@tokenpath/semconv';
import type { ProviderPatcher } from '../provider';
import { openAiFormatModule } from '../openai-format-sdk';

/** Tested: 0.6.0, 0.33.0, 0.52.0 (see README). 1.x stays unpatched until tested. */
export const TOGETHER_SUPPORTED_VERSIONS = ['>=0.6.0 <1'];

export const togetherModule = (patcher: ProviderPatcher): InstrumentationNodeModuleDefinition =>
  openAiFormatModule(patcher, {
    module: 'together-ai',
    versions: TOGETHER_SUPPORTED_VERSIONS,
    clientExport: 'Together',
    provider: GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI,
  });
