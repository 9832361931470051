/**
 * What the Anthropic behaviour tests share on top of the testbed (test/support/testbed.ts): the client setup, the
 * request most tests send, the conventions' input count, and the global registration the SDK's own tracing needs.
 */
import { afterAll, beforeAll } from 'vitest';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { StandIn } from '../../support/stand-in';
import type { Testbed } from '../../support/testbed';

export const MODEL = 'claude-sonnet-5-5';
export const messages = [{ role: 'user', content: 'tell me about tokens please' }];

/** An `Anthropic` client on the stand-in, without retries (retries are tested on their own). */
export const anthropicClient = {
  module: '@anthropic-ai/sdk',
  client: (sdk: any, standIn: StandIn) => new sdk.Anthropic({ apiKey: 'sk-ant-test-secret-key', baseURL: standIn.url, maxRetries: 0 }),
};

/** The conventions' input tokens of an Anthropic usage: cache reads and writes are part of the input. */
export const inputOf = (u: Record<string, any>): number =>
  u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);

/**
 * The SDK traces itself through the GLOBAL tracer provider: registers the testbed's provider globally, with the W3C
 * propagator, as an app's NodeSDK does (after the testbed's own setup, which creates the provider).
 */
export function useGlobalTracing(bed: Testbed<unknown>): void {
  beforeAll(() => {
    trace.setGlobalTracerProvider(bed.h.tracerProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    trace.disable();
    propagation.disable();
  });
}
