/**
 * Operations built directly on the harness' real SDK providers, without any SDK client: the core's own tests drive
 * `GenAiOperation` (and the stream wrappers around it) this way.
 */
import { PROFILE_INCUBATING_1_45, type GenAiSemconvProfile } from '@tokenpath/semconv';
import { GenAiOperation, type OperationSettings } from '../../src/core/operation';
import { createInstruments } from '../../src/core/metrics';
import type { Harness } from './harness';

/**
 * Settings on the harness' tracer and meter for the given profiles (by default the 1.45 conventions for spans and
 * metrics), without content capture.
 */
export function operationSettings(
  h: Harness,
  profiles: { span: GenAiSemconvProfile; metrics: GenAiSemconvProfile | readonly GenAiSemconvProfile[] } = {
    span: PROFILE_INCUBATING_1_45,
    metrics: PROFILE_INCUBATING_1_45,
  },
): OperationSettings {
  return {
    profile: profiles.span,
    tracer: h.tracerProvider.getTracer('test'),
    instruments: createInstruments((h.instrumentation as any)._meter, profiles.metrics),
    captureContent: false,
    maxContentLength: 100,
  };
}

/** A chat operation of a test provider and model `m`, started now. */
export const chatOperation = (h: Harness): GenAiOperation =>
  new GenAiOperation(operationSettings(h), { operation: 'chat', provider: 'test', request: { model: 'm' } });
