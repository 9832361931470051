// A tiny ESM app on one long-tail SDK (LONG_TAIL_SDK: groq-sdk, together-ai, ollama, cohere-ai, @mistralai/mistralai)
// for the register end-to-end test: one call and one consumed stream against STAND_IN_URL; it prints the usage each
// response stated. It knows nothing about OpenTelemetry. MISTRAL_SDK_ENTRY: the file URL of the @mistralai/mistralai
// copy to import (it is not a devDependency).
const sdk = process.env.LONG_TAIL_SDK;
const url = process.env.STAND_IN_URL;
const messages = [{ role: 'user', content: 'tell me about tokens please' }];
const results = [];

async function drain(stream, onItem = () => {}) {
  for await (const item of stream) onItem(item);
}

async function run() {
  switch (sdk) {
    case 'groq-sdk':
    case 'together-ai': {
      const { default: Client } = await import(sdk);
      const client = new Client({ apiKey: 'e2e-secret-key', baseURL: sdk === 'groq-sdk' ? url : `${url}/together/v1`, maxRetries: 0 });
      const model = sdk === 'groq-sdk' ? 'llama-3.3-70b-versatile' : 'Qwen/Qwen2.5-72B-Instruct-Turbo';
      results.push((await client.chat.completions.create({ model, messages })).usage);
      let usage;
      await drain(await client.chat.completions.create({ model, messages, stream: true }), (c) => {
        usage = c.usage ?? c.x_groq?.usage ?? usage;
      });
      results.push(usage);
      return;
    }
    case 'ollama': {
      const { Ollama } = await import('ollama');
      const client = new Ollama({ host: url });
      const r = await client.chat({ model: 'llama3.2', messages });
      results.push({ prompt_eval_count: r.prompt_eval_count, eval_count: r.eval_count });
      let last;
      await drain(await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'and once more' }], stream: true }), (p) => (last = p));
      results.push({ prompt_eval_count: last.prompt_eval_count, eval_count: last.eval_count });
      return;
    }
    case 'cohere-ai': {
      const { CohereClientV2 } = await import('cohere-ai');
      const client = new CohereClientV2({ token: 'e2e-secret-key', environment: url, maxRetries: 0 });
      results.push((await client.chat({ model: 'command-r', messages })).usage);
      let usage;
      await drain(await client.chatStream({ model: 'command-r', messages }), (e) => {
        if (e.type === 'message-end') usage = e.delta.usage;
      });
      results.push(usage);
      return;
    }
    case '@mistralai/mistralai': {
      const { Mistral } = await import(process.env.MISTRAL_SDK_ENTRY);
      const client = new Mistral({ apiKey: 'e2e-secret-key', serverURL: `${url}/mistral` });
      results.push((await client.chat.complete({ model: 'mistral-small-latest', messages })).usage);
      let usage;
      await drain(await client.chat.stream({ model: 'mistral-small-latest', messages }), (e) => {
        usage = e.data.usage ?? usage;
      });
      results.push(usage);
      return;
    }
    default:
      throw new Error(`unknown LONG_TAIL_SDK ${sdk}`);
  }
}

run().then(
  () => console.log(JSON.stringify({ results })),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
