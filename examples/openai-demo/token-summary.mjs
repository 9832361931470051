// A tiny OTLP/HTTP (JSON) receiver for the demo: it prints one line per GenAI span as it arrives and
// keeps the latest cumulative `gen_ai.client.token.usage` points for a per-model summary.
import http from 'node:http';

function value(any) {
  if (!any) return undefined;
  if ('stringValue' in any) return any.stringValue;
  if ('intValue' in any) return Number(any.intValue);
  if ('doubleValue' in any) return any.doubleValue;
  if ('boolValue' in any) return any.boolValue;
  if ('arrayValue' in any) return (any.arrayValue.values ?? []).map(value);
  return undefined;
}
const attributes = (list = []) => Object.fromEntries(list.map((kv) => [kv.key, value(kv.value)]));

export async function startTokenSummary({ onSpan = () => {} } = {}) {
  const usage = new Map(); // "model|type" -> { model, type, tokens, calls }
  let durationCount = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (req.url === '/v1/traces') {
        for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) {
          onSpan({ name: span.name, attributes: attributes(span.attributes) });
        }
      } else if (req.url === '/v1/metrics') {
        for (const rm of body.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) {
          const points = m.histogram?.dataPoints ?? [];
          if (m.name === 'gen_ai.client.operation.duration') durationCount = points.reduce((n, p) => n + Number(p.count), 0);
          if (m.name !== 'gen_ai.client.token.usage') continue;
          for (const p of points) {
            const a = attributes(p.attributes);
            const model = a['gen_ai.response.model'] ?? a['gen_ai.request.model'];
            const type = a['gen_ai.token.type'];
            // Cumulative temporality: the latest export holds the totals.
            usage.set(`${model}|${type}`, { model, type, tokens: Number(p.sum), calls: Number(p.count) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    usage: () => [...usage.values()],
    calls: () => durationCount,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
