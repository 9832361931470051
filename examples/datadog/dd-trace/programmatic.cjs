// The programmatic alternative to the register entry, next to dd-trace (preload it after tracer.cjs):
//   node --require ./tracer.cjs --require ./programmatic.cjs app.cjs
// registerInstrumentations() gives the instrumentation the providers dd-trace registered; no SDK of our own.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { LlmInstrumentation } = require('@tokenpath/instrumentation-llm');

registerInstrumentations({ instrumentations: [new LlmInstrumentation()] });
