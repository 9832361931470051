export * from './attributes';
export * from './values';
export * from './metrics';
export * from './events';
export type {
  GenAiSemconvProfile,
  RequestFacts,
  ResponseFacts,
  UsageFacts,
  HistogramDescriptor,
  ContentAttributeNames,
} from './profile';
export { PROFILE_INCUBATING_1_45 } from './profiles/incubating-1-45';
