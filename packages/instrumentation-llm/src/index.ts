export { LlmInstrumentation } from './instrumentation';
export type { LlmInstrumentationConfig, UsageRecord, UsageRecordTokens, UsageSource, UsageHook } from './types';
export { PACKAGE_VERSION as VERSION } from './version';
export { withAttribution } from './core/attribution';
export { endOpenOperations as endUnfinishedCalls } from './core/open-operations';
export type { ModelPrice, TieredRate } from './types';
