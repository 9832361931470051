/**
 * @google/genai: which methods are patched, and with which adapter. Not implemented yet.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { ProviderPatcher } from '../provider';

export function googleGenAiModules(_patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  return [];
}
