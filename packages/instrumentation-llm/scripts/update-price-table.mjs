#!/usr/bin/env node
/**
 * Writes the offline price table tokenpath prices calls with (src/core/pricing/genai-prices.json):
 * a snapshot of the data bundled in the installed `@pydantic/genai-prices`, reduced to what a
 * call's usage can be priced by, for the providers tokenpath names.
 *
 *   node packages/instrumentation-llm/scripts/update-price-table.mjs          # rewrite the snapshot
 *   node packages/instrumentation-llm/scripts/update-price-table.mjs --check  # exit 1 if it is stale
 *
 * Why a snapshot and not the package at run time: loading the package costs about 100 ms of
 * start-up (its data is a half-megabyte JavaScript literal), pricing one call with its `calcPrice`
 * about 100 µs, and its data is module state that its `updatePrices` can replace from the network.
 * A snapshot is versioned with tokenpath, loads in a few milliseconds and never changes while the
 * app runs. Updating prices = updating the devDependency and running this script; a test fails
 * while the snapshot and the installed package disagree.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'src', 'core', 'pricing', 'genai-prices.json');
const require = createRequire(import.meta.url);
const prices = require('@pydantic/genai-prices');
const pkg = JSON.parse(readFileSync(join(dirname(require.resolve('@pydantic/genai-prices')), '..', 'package.json'), 'utf8'));

// The table's providers tokenpath maps a `gen_ai.provider.name` to (src/core/pricing/table.ts).
const PROVIDERS = [
  'openai', 'azure', 'anthropic', 'aws', 'google', 'cohere', 'deepseek', 'groq', 'mistral', 'moonshotai',
  'perplexity', 'x-ai', 'together', 'fireworks', 'openrouter', 'cerebras',
];
// The price keys a call's usage can be priced by (per million tokens, or per thousand requests).
const KEYS = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_reasoning_mtok', 'requests_kcount'];

function pick(prices) {
  const out = {};
  for (const key of KEYS) if (prices[key] !== undefined) out[key] = prices[key];
  return out;
}

function snapshot() {
  const providers = {};
  const wanted = [...PROVIDERS];
  for (let i = 0; i < wanted.length; i++) {
    const p = prices.findProvider({ providerId: wanted[i] });
    if (p === undefined || p.id !== wanted[i]) throw new Error(`@pydantic/genai-prices has no provider "${wanted[i]}"`);
    for (const f of p.fallback_model_providers ?? []) if (!wanted.includes(f)) wanted.push(f);
    providers[p.id] = {
      ...(p.fallback_model_providers ? { fallbacks: p.fallback_model_providers } : {}),
      models: p.models.map((m) => ({
        id: m.id,
        match: m.match,
        prices: Array.isArray(m.prices)
          ? m.prices.map((c) => ({ ...(c.constraint ? { constraint: c.constraint } : {}), prices: pick(c.prices) }))
          : pick(m.prices),
      })),
    };
  }
  return { source: pkg.name, version: pkg.version, license: pkg.license, currency: 'USD', providers };
}

const text = `${JSON.stringify(snapshot())}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`${out} is not the data of the installed ${pkg.name} ${pkg.version}: run ${fileURLToPath(import.meta.url)}`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out} from ${pkg.name} ${pkg.version} (${text.length} bytes)`);
}
