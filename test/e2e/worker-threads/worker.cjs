// A worker of app.cjs / app.mjs (CommonJS).
const OpenAI = require('openai');
require('./calls.cjs').work(OpenAI, require('node:worker_threads'), require('@opentelemetry/api'));
