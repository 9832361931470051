import { ProxyTracerProvider, metrics, trace } from '@opentelemetry/api';

/**
 * True when the process registered its own tracer or meter provider before tokenpath started
 * (e.g. an earlier `--require ./otel.js`): tokenpath then adds only the instrumentation.
 */
export function appProvidersRegistered(): boolean {
  const tracerDelegate = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate?.();
  const noopTracerDelegate = new ProxyTracerProvider().getDelegate();
  const tracing = tracerDelegate !== undefined && tracerDelegate !== noopTracerDelegate;
  const metering = metrics.getMeterProvider().constructor.name !== 'NoopMeterProvider';
  return tracing || metering;
}
