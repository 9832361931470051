export { LlmInstrumentation } from './instrumentation';
export type { LlmInstrumentationConfig, UsageRecord, UsageRecordTokens, UsageSource, UsageHook } from './types';
export { PACKAGE_VERSION as VERSION } from './version';
