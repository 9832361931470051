// What Datadog's APM test agent decoded, for the Datadog examples' --check mode:
//
//   node examples/datadog/read-test-agent.mjs --trace-url http://127.0.0.1:8126 --otlp-url http://127.0.0.1:4318 \
//     --expect otlp-traces,otlp-metrics [--timeout 30]
//
// Prints one JSON object on stdout, as the agent returns it: `traces` (Datadog-format traces from the trace intake),
// `otlpTraces` and `otlpMetrics` (the OTLP export requests it decoded, protobuf JSON in snake_case) and `requests`
// (method, URL and headers of every request it stored; bodies left out). A one-line summary goes to stderr. Exits 1
// when a read fails (one malformed request makes every later read fail until the agent's /test/session/clear) or
// when what --expect names (traces, otlp-traces, otlp-metrics) is still empty after --timeout seconds.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'trace-url': { type: 'string', default: 'http://127.0.0.1:8126' },
    'otlp-url': { type: 'string', default: 'http://127.0.0.1:4318' },
    expect: { type: 'string', default: '' },
    timeout: { type: 'string', default: '30' },
  },
});
const expected = values.expect.split(',').filter(Boolean);

async function read(url) {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function readAll() {
  const [traces, otlpTraces, otlpMetrics, requests] = await Promise.all([
    read(`${values['trace-url']}/test/session/traces`),
    read(`${values['otlp-url']}/test/session/traces`),
    read(`${values['otlp-url']}/test/session/metrics`),
    read(`${values['trace-url']}/test/session/requests`),
  ]);
  return {
    traces,
    otlpTraces,
    otlpMetrics,
    requests: requests.map(({ method, url, headers }) => ({ method, url, headers })),
  };
}

const count = {
  traces: (r) => r.traces.flat().length,
  'otlp-traces': (r) => r.otlpTraces.flatMap((t) => t.resource_spans ?? t.resourceSpans ?? []).length,
  'otlp-metrics': (r) => r.otlpMetrics.flatMap((m) => m.resource_metrics ?? m.resourceMetrics ?? []).length,
};
for (const name of expected) {
  if (!count[name]) {
    console.error(`read-test-agent: unknown --expect ${name} (traces, otlp-traces, otlp-metrics)`);
    process.exit(2);
  }
}

const deadline = Date.now() + Number(values.timeout) * 1000;
let result;
for (;;) {
  try {
    result = await readAll();
  } catch (error) {
    console.error(`read-test-agent: ${error.message}`);
    process.exit(1);
  }
  if (expected.every((name) => count[name](result) > 0)) break;
  if (Date.now() > deadline) {
    console.error(`read-test-agent: still empty after ${values.timeout} s: ${expected.filter((n) => count[n](result) === 0).join(', ')}`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

process.stdout.write(`${JSON.stringify(result)}\n`);
const spanNames = result.otlpTraces.flatMap((t) =>
  (t.resource_spans ?? []).flatMap((rs) => (rs.scope_spans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => s.name))),
);
const metricNames = new Set(
  result.otlpMetrics.flatMap((m) =>
    (m.resource_metrics ?? []).flatMap((rm) => (rm.scope_metrics ?? []).flatMap((sm) => (sm.metrics ?? []).map((x) => x.name))),
  ),
);
console.error(
  `read-test-agent: ${result.requests.length} requests; OTLP spans: ${spanNames.join(', ') || 'none'}; ` +
    `OTLP metrics: ${[...metricNames].join(', ') || 'none'}; Datadog-format spans: ${count.traces(result)}`,
);
