export { LlmInstrumentation } from './instrumentation';
export type { LlmInstrumentationConfig } from './types';
export { PACKAGE_VERSION as VERSION } from './version';
