/**
 * @anthropic-ai/sdk (and @anthropic-ai/bedrock-sdk, @anthropic-ai/vertex-sdk): which methods are patched, and with which adapter. Not implemented yet.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { ProviderPatcher } from '../provider';

export function anthropicModules(_patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  return [];
}
