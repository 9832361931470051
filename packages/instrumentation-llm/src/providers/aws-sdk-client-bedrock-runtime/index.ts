/**
 * @aws-sdk/client-bedrock-runtime: which methods are patched, and with which adapter. Not implemented yet.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { ProviderPatcher } from '../provider';

export function bedrockRuntimeModules(_patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  return [];
}
