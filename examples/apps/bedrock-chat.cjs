// A tiny Bedrock Runtime app (CommonJS) for the register end-to-end tests; it knows nothing about OpenTelemetry.
const sdk = require('@aws-sdk/client-bedrock-runtime');
const { run } = require('./bedrock-calls.cjs');

run(sdk).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
