// A worker of app.mjs / app.cjs (ESM): the SDK is imported, so only the ESM hook can patch it.
import OpenAI from 'openai';
import * as workerThreads from 'node:worker_threads';
import * as api from '@opentelemetry/api';
import calls from './calls.cjs';

await calls.work(OpenAI, workerThreads, api);
