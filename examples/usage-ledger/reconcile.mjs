// Reconciles a usage ledger (JSONL of tokenpath `onUsage` records) with the token metrics the same process exported
// over OTLP/JSON: per request model, every token count the metrics carry must equal the ledger's sum.
//
// The metric names depend on OTEL_SEMCONV_STABILITY_OPT_IN (tokenpath's README, "What is emitted"): by default
// `gen_ai.client.token.usage` (input and output, by gen_ai.token.type); with gen_ai_latest_experimental the
// `gen_ai.client.inference.usage.*` counters (also cache reads and writes and reasoning) and embeddings' own
// `gen_ai.client.embeddings.operation.input_tokens`. Both sets, when both are there, are checked.

/** The ledger's token sums per request model. */
export function ledgerTotals(records) {
  const totals = {};
  for (const r of records) {
    const t = (totals[r.requestModel] ??= { calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    t.calls++;
    for (const [field, value] of Object.entries(r.tokens)) t[field] += value;
  }
  return totals;
}

export const parseLedger = (text) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));

const COUNTERS = {
  'gen_ai.client.inference.usage.input_tokens': 'input',
  'gen_ai.client.inference.usage.output_tokens': 'output',
  'gen_ai.client.inference.usage.cache_read.input_tokens': 'cacheRead',
  'gen_ai.client.inference.usage.cache_write.input_tokens': 'cacheWrite',
  'gen_ai.client.inference.usage.reasoning.output_tokens': 'reasoning',
};
const TOKEN_TYPES = { input: 'input', output: 'output' };

const attributesOf = (point) =>
  Object.fromEntries((point.attributes ?? []).map(({ key, value }) => [key, Object.values(value ?? {})[0]]));

/**
 * Token sums per request model from OTLP/JSON metric export bodies, each under the names it came from:
 * `{ default: {model: {input, output}}, latest: {model: {input, output, cacheRead, cacheWrite, reasoning}} }`.
 * Points are cumulative: the last one of each series is its total.
 */
export function metricTotals(bodies) {
  const last = new Map();
  for (const body of bodies) {
    for (const rm of body.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          const points = metric.histogram?.dataPoints ?? metric.sum?.dataPoints ?? [];
          for (const p of points) {
            const attributes = attributesOf(p);
            const value = metric.histogram ? Number(p.sum ?? 0) : Number(p.asInt ?? p.asDouble ?? 0);
            last.set(`${metric.name}|${JSON.stringify(attributes)}`, { name: metric.name, attributes, value });
          }
        }
      }
    }
  }
  const out = {};
  const add = (set, model, field, value) => {
    const t = ((out[set] ??= {})[model] ??= {});
    t[field] = (t[field] ?? 0) + value;
  };
  for (const { name, attributes, value } of last.values()) {
    const model = attributes['gen_ai.request.model'];
    if (name === 'gen_ai.client.token.usage') add('default', model, TOKEN_TYPES[attributes['gen_ai.token.type']], value);
    else if (COUNTERS[name]) add('latest', model, COUNTERS[name], value);
    else if (name === 'gen_ai.client.embeddings.operation.input_tokens') add('latest', model, 'input', value);
  }
  return out;
}

/** Every difference between the ledger and each set of metric names (an empty list: reconciled). */
export function reconcile(ledger, metrics) {
  const problems = [];
  const sets = Object.keys(metrics);
  if (sets.length === 0) problems.push('no token metrics were exported');
  for (const set of sets) {
    const byModel = metrics[set];
    for (const model of new Set([...Object.keys(ledger), ...Object.keys(byModel)])) {
      const fields = set === 'default' ? ['input', 'output'] : ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning'];
      for (const field of fields) {
        const l = ledger[model]?.[field] ?? 0;
        const m = byModel[model]?.[field] ?? 0;
        if (l !== m) problems.push(`${model} ${field}: ledger ${l}, metrics (${set} names) ${m}`);
      }
    }
  }
  return problems;
}
