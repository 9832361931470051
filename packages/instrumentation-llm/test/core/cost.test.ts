import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { CostModel } from '../../src/core/cost';
import { checkOverrides, readOverridesFile } from '../../src/core/pricing/overrides';
import raw from '../../src/core/pricing/genai-prices.json';

const table = raw as unknown as { version: string; providers: Record<string, { models: { id: string; prices: any }[] }> };
const TABLE = `@pydantic/genai-prices@${table.version}`;
const rawPrices = (provider: string, id: string) => table.providers[provider].models.find((m) => m.id === id)!.prices;

let messages: { level: string; text: string }[] = [];
// The component logger passes its namespace first, then the message.
const collect = (level: string) => (...args: unknown[]) => messages.push({ level, text: args.join(' ') });
const logger: DiagLogger = {
  error: collect('error'),
  warn: collect('warn'),
  info: collect('info'),
  debug: collect('debug'),
  verbose: collect('verbose'),
};
beforeEach(() => {
  diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  messages = [];
});
afterEach(() => diag.disable());

const NOW = Date.now();
const reports = () => {
  const out: string[] = [];
  return { out, report: (m: string) => out.push(m) };
};

describe('CostModel', () => {
  it('prices a call by the model that answered, from the table, naming the table', () => {
    const p = rawPrices('openai', 'gpt-4o-mini');
    const cost = new CostModel().costOf('openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini', { inputTokens: 1000, outputTokens: 50 }, NOW);
    expect(cost).toEqual({ amount: expect.any(Number), currency: 'USD', priceTable: TABLE });
    expect(cost!.amount).toBeCloseTo((1000 * p.input_mtok + 50 * p.output_mtok) / 1e6, 15);
  });

  it('falls back to the requested model when the answering one has no price (an Azure deployment name, say)', () => {
    const p = rawPrices('openai', 'gpt-4o');
    const cost = new CostModel().costOf('openai', 'my-deployment-7', 'gpt-4o', { inputTokens: 100, outputTokens: 10 }, NOW);
    expect(cost!.amount).toBeCloseTo((100 * p.input_mtok + 10 * p.output_mtok) / 1e6, 15);
  });

  it('prices by the time of day each call started, also for a call older than the last one priced', () => {
    // deepseek-chat: the first price set is the default (off-peak), the second holds from 00:30 to 16:30 UTC.
    const [offPeak, peak] = rawPrices('deepseek', 'deepseek-chat').map((c: any) => c.prices);
    expect(peak).not.toEqual(offPeak);
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    const model = new CostModel();
    // Times ahead of now, so that the kept window moves forward, is hit, and is left for an older call.
    const at = (time: string) => model.costOf('deepseek', 'deepseek-chat', undefined, usage, Date.parse(`2099-01-05T${time}Z`))!.amount;
    const nextDay = (time: string) => model.costOf('deepseek', 'deepseek-chat', undefined, usage, Date.parse(`2099-01-06T${time}Z`))!.amount;
    expect([at('02:00:00'), at('03:00:00'), at('20:00:00'), at('16:30:00'), at('16:29:59'), nextDay('00:29:59'), nextDay('00:30:00')]).toEqual([
      peak.input_mtok,
      peak.input_mtok,
      offPeak.input_mtok,
      offPeak.input_mtok,
      peak.input_mtok,
      offPeak.input_mtok,
      peak.input_mtok,
    ]);
  });

  it('gives a model without a price no cost, never 0, and says so once per model', () => {
    const model = new CostModel();
    for (let i = 0; i < 3; i++) {
      expect(model.costOf('vllm', 'llama-3.1-8b', 'llama-3.1-8b', { inputTokens: 10, outputTokens: 1 }, NOW)).toBeUndefined();
      expect(model.costOf('openai', 'not-a-model', undefined, { inputTokens: 10 }, NOW)).toBeUndefined();
    }
    const said = messages.filter((m) => m.level === 'warn' || m.level === 'info');
    expect(said).toHaveLength(2);
    expect(said[0].text).toContain('no price for model "llama-3.1-8b" of provider "vllm"');
    expect(said[0].text).toContain('OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE');
    expect(said[1].text).toContain('"not-a-model" of provider "openai"');
    // A self-hosted provider has no list price: said below the default level, so its apps start quietly.
    expect(said.map((m) => m.level)).toEqual(['info', 'warn']);
  });

  it('bounds the messages about unpriced models', () => {
    const model = new CostModel();
    for (let i = 0; i < 500; i++) model.costOf('openai', `m-${i}`, undefined, { inputTokens: 1 }, NOW);
    const warnings = messages.filter((m) => m.level === 'warn');
    expect(warnings).toHaveLength(101);
    expect(warnings[100].text).toContain('further ones are not reported');
  });

  it('gives a call that stated no tokens no cost and no message', () => {
    expect(new CostModel().costOf('vllm', 'x', 'x', {}, NOW)).toBeUndefined();
    expect(messages).toEqual([]);
  });

  it('prices with the user prices first, by exact name or prefix, in their currency', () => {
    const { report } = reports();
    const model = new CostModel(
      checkOverrides(
        [
          { model: 'ft:gpt-4o-mini:acme:*', provider: 'openai', input_mtok: 0.3, output_mtok: 1.2, cache_read_mtok: 0.15 },
          { model: 'gpt-4o', input_mtok: 2, output_mtok: 8 },
          { model: 'llama-3.1-8b', provider: 'vllm', currency: 'EUR', input_mtok: 0.05, output_mtok: { base: 0.1, tiers: [{ start: 1000, price: 0.2 }] } },
        ],
        'modelPrices',
        report,
      ),
    );
    expect(model.costOf('openai', 'ft:gpt-4o-mini:acme:run1', undefined, { inputTokens: 2000, outputTokens: 100, cacheReadInputTokens: 1000 }, NOW)).toEqual({
      amount: (1000 * 0.3 + 1000 * 0.15 + 100 * 1.2) / 1e6,
      currency: 'USD',
      priceTable: 'user',
    });
    // A negotiated price for gpt-4o wins over the table's, for any provider.
    expect(model.costOf('azure.ai.openai', 'gpt-4o', undefined, { inputTokens: 1e6, outputTokens: 0 }, NOW)?.amount).toBe(2);
    expect(model.costOf('vllm', 'llama-3.1-8b', undefined, { inputTokens: 1001, outputTokens: 10 }, NOW)).toEqual({
      amount: (1001 * 0.05 + 10 * 0.2) / 1e6,
      currency: 'EUR',
      priceTable: 'user',
    });
  });
});

describe('user prices', () => {
  it('leave out invalid entries with one message naming the setting and what is allowed, and keep the valid ones', () => {
    const { out, report } = reports();
    const valid = checkOverrides(
      [
        { model: 'ok-1', input_mtok: 1 },
        { model: 'bad-rate', input_mtok: -1 },
        { model: 'ok-2', output_mtok: { base: 1, tiers: [{ start: 10, price: 2 }] } },
        { model: 'typo', input_price: 1 },
        'not an entry',
        { input_mtok: 1 },
        { model: 'no-token-rates', requests_kcount: 5 },
        { model: 'bad-currency', currency: 'euro', input_mtok: 1 },
      ],
      'modelPrices',
      report,
    );
    expect(valid.map((v) => v.model)).toEqual(['ok-1', 'ok-2']);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^modelPrices: 6 of 8 model prices are invalid and left out \(\[1\] "input_mtok" is not a valid rate; \[3\] has the unknown field "input_price"; \[4\] is not an object; \[5\] needs "model"/);
    expect(out[0]).toContain('and 1 more');
    expect(out[0]).toContain('"input_mtok"?');
    expect(out[0]).toContain('The 2 valid ones are used.');
  });

  it('read from the file the variable names, with one message for a file that is not JSON or cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenpath-prices-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, 'prices.json');
    writeFileSync(good, JSON.stringify({ models: [{ model: 'my-model', provider: 'vllm', input_mtok: 0.1, output_mtok: 0.2 }] }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"models": [');
    const { out, report } = reports();
    expect(readOverridesFile(good, report)).toEqual([
      { provider: 'vllm', model: 'my-model', prefix: false, currency: 'USD', keys: { input_mtok: 0.1, output_mtok: 0.2 } },
    ]);
    expect(out).toEqual([]);
    expect(readOverridesFile(bad, report)).toEqual([]);
    expect(readOverridesFile(join(dir, 'missing.json'), report)).toEqual([]);
    writeFileSync(bad, '[{"model": "x", "input_mtok": 1}]');
    expect(readOverridesFile(bad, report)).toEqual([]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE \(.*bad\.json\) is not valid JSON: .*; expected \{"models": \[\.\.\.\]\}/);
    expect(out[1]).toMatch(/^OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE \(.*missing\.json\) cannot be read: ENOENT/);
    expect(out[2]).toMatch(/must hold \{"models": \[\.\.\.\]\}/);
    for (const m of out) expect(m).toContain('Prices come from the bundled table only.');
  });
});

describe('the price table at run time', () => {
  it('prices from the bundled snapshot: no network connection, and @pydantic/genai-prices is never loaded', () => {
    // A child process on the built package, with every way out of the process watched from its first line.
    const dist = fileURLToPath(new URL('../../dist/core/cost.js', import.meta.url));
    const script = `
      const net = require('node:net');
      const attempts = [];
      const connect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (...a) { attempts.push('socket'); return connect.apply(this, a); };
      globalThis.fetch = async () => { attempts.push('fetch'); throw new Error('no network'); };
      const { CostModel } = require(${JSON.stringify(dist)});
      const cost = new CostModel().costOf('anthropic', 'claude-opus-4-7', undefined, { inputTokens: 10, outputTokens: 2 }, Date.now());
      const loaded = Object.keys(require.cache).filter((f) => f.includes('genai-prices') && !f.endsWith('.json'));
      console.log(JSON.stringify({ priced: cost.priceTable, attempts, loaded }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ priced: TABLE, attempts: [], loaded: [] });
  });
});
