// The app's own OpenTelemetry set-up, registered through @opentelemetry/api 1.9 (the copy nested under OpenLLMetry's
// package, as in npm's layout next to dd-trace 6, which pins <1.10.0): tracer and meter providers exporting over OTLP
// to PEERS_OTLP_URL, an AsyncLocalStorage context manager and the W3C propagator. tokenpath's 1.10 copy cannot read
// that registry. On the main thread only: the app's workers leave their telemetry to tokenpath's register entry.
//   node --require ./preload.cjs --require @tokenpath/instrumentation-llm/register app.cjs
const { isMainThread } = require('node:worker_threads');

process.env.PEER_API = '1.9';
if (isMainThread) require('../fixtures/peers-sdk.cjs').startPeersSdk([]);
