// A tiny Bedrock Runtime app (ESM) for the register end-to-end tests; it knows nothing about OpenTelemetry.
import * as sdk from '@aws-sdk/client-bedrock-runtime';
import calls from './bedrock-calls.cjs';

calls.run(sdk).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
