// Calls the stand-in the way a multi-tenant service does: each request's LLM calls inside withAttribution, and a
// feature name that arrived as W3C baggage (here set by hand, as the HTTP instrumentation would from a header).
// Prints {"results": [...]}: the usage the SDK handed back per call, for the test to price independently.
const { context, propagation } = require('@opentelemetry/api');
const { withAttribution } = require('@tokenpath/instrumentation-llm');
const OpenAI = require('openai');

const client = new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: `${process.env.STAND_IN_URL}/v1`, maxRetries: 0 });
const ask = (model, tenant) =>
  withAttribution({ 'tenant.id': tenant }, async () => {
    const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `question from ${tenant}` }] });
    return { model, tenant, usage: r.usage };
  });

async function main() {
  const fromBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ 'app.feature': { value: 'search' } }));
  const results = await context.with(fromBaggage, () => Promise.all(['t1', 't2', 't3', 't4'].map((t) => ask('gpt-4o-mini', t))));
  results.push(await ask('my-own-model', 't1'));
  console.log(JSON.stringify({ results }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
