/**
 * `groq-sdk`: Stainless-generated like `openai`, speaking the OpenAI chat format; stream usage comes
 * in `x_groq.usage` of the finish chunk (the format reads it). Patched: `chat.completions.create`
 * (what `stream` helpers end in) and `embeddings.create`; its `Completions` resource has no method.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { GEN_AI_PROVIDER_NAME_VALUE_GROQ } from '@tokenpath/semconv';
import type { ProviderPatcher } from '../provider';
import { openAiFormatModule } from '../openai-format-sdk';

/** Tested: 0.5.0, 0.37.0, 1.6.0 (see README). Majors above 1 stay unpatched until tested. */
export const GROQ_SUPPORTED_VERSIONS = ['>=0.5.0 <2'];

export const groqModule = (patcher: ProviderPatcher): InstrumentationNodeModuleDefinition =>
  openAiFormatModule(patcher, {
    module: 'groq-sdk',
    versions: GROQ_SUPPORTED_VERSIONS,
    clientExport: 'Groq',
    provider: GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  });
