export * from './attributes';
export * from './values';
export * from './metrics';
export * from './events';
export * from './cost';
export * from './attribution';
export * from './tokenpath';
export type {
  GenAiSemconvProfile,
  RequestFacts,
  ResponseFacts,
  UsageFacts,
  HistogramDescriptor,
  CounterDescriptor,
  UsageCounters,
  OperationFamilyMetrics,
  ProfileMetrics,
  ContentAttributeNames,
} from './profile';
export { PROFILE_INCUBATING_1_45 } from './profiles/incubating-1-45';
export { PROFILE_GEN_AI_LATEST } from './profiles/gen-ai-latest';
export {
  SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL,
  selectProfiles,
  type SemconvMode,
  type SemconvSelection,
} from './selection';
