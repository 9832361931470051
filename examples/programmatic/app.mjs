// An ESM OpenAI app that knows nothing about OpenTelemetry; otel.mjs (preloaded with --import) meters it:
//
//   node examples/with-provider.mjs --import ./examples/programmatic/otel.mjs examples/programmatic/app.mjs
//
// The calls are those of examples/apps/openai-calls.cjs (chat, stream, embeddings, Responses); prints
// {"results": [usage, ...]}. The SDK reads OPENAI_API_KEY and OPENAI_BASE_URL itself.
import OpenAI from 'openai';
import calls from '../apps/openai-calls.cjs';

await calls.run(OpenAI);
