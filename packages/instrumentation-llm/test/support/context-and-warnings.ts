/**
 * For a test file that drives the core without a harness: the context manager an SDK registers (NodeSDK registers this
 * one), on which attribution rides, enabled for the file, and the diag logger's warnings collected.
 */
import { afterAll, beforeAll } from 'vitest';
import { context, diag, DiagLogLevel } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** Enables the context manager and a warning-level diag logger for the file; returns the warnings (the file clears it). */
export function useContextAndWarnings(): string[] {
  const contextManager = new AsyncLocalStorageContextManager();
  const warnings: string[] = [];
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    diag.setLogger(
      { error: () => {}, warn: (...a: unknown[]) => warnings.push(a.join(' ')), info: () => {}, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  });
  afterAll(() => {
    contextManager.disable();
    context.disable();
    diag.disable();
  });
  return warnings;
}
