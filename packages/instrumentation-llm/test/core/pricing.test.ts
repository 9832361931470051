import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { calcPrice } from '@pydantic/genai-prices';
import { findInTable, pricesAt, TABLE_VERSION } from '../../src/core/pricing/table';
import { priceOf } from '../../src/core/pricing/rates';
import raw from '../../src/core/pricing/genai-prices.json';

// The oracle for these tests is @pydantic/genai-prices itself (its own matching and `calcPrice`
// arithmetic) and the raw numbers of the snapshot, never tokenpath's functions.

const PROVIDER_IDS: Record<string, string> = {
  openai: 'openai',
  'azure.ai.openai': 'azure',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  mistral_ai: 'mistral',
  moonshot_ai: 'moonshotai',
  perplexity: 'perplexity',
  x_ai: 'x-ai',
  together_ai: 'together',
  fireworks_ai: 'fireworks',
  openrouter: 'openrouter',
  cerebras: 'cerebras',
};

const table = raw as unknown as { providers: Record<string, { models: { id: string; prices: any }[] }> };
const NOON_2026 = Date.parse('2026-11-30T12:00:00Z');

/** The library's price of `usage`, or undefined when it has none (or refuses the usage). */
function libraryPrice(providerId: string, model: string, usage: Record<string, number>, atMs = NOON_2026): number | undefined {
  try {
    return calcPrice(usage, model, { providerId, timestamp: new Date(atMs) })?.total_price;
  } catch {
    return undefined;
  }
}

const usageOf = (u: { input: number; output: number; read?: number; write?: number; reasoning?: number }) => ({
  facts: {
    inputTokens: u.input,
    outputTokens: u.output,
    cacheReadInputTokens: u.read,
    cacheCreationInputTokens: u.write,
    reasoningOutputTokens: u.reasoning,
  },
  library: {
    input_tokens: u.input,
    output_tokens: u.output,
    ...(u.read ? { cache_read_tokens: u.read } : {}),
    ...(u.write ? { cache_write_tokens: u.write } : {}),
    ...(u.reasoning ? { output_reasoning_tokens: u.reasoning } : {}),
  },
});

describe('the price table', () => {
  it('is the data of the installed @pydantic/genai-prices, and says which version', () => {
    const script = fileURLToPath(new URL('../../scripts/update-price-table.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(TABLE_VERSION).toBe(`@pydantic/genai-prices@${(raw as { version: string }).version}`);
  });

  it('finds every model of every provider under the id the library finds', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [provider, id] of Object.entries(PROVIDER_IDS)) {
      for (const m of table.providers[id].models) {
        const expected = calcPrice({}, m.id, { providerId: id })?.model.id;
        const found = findInTable(provider, m.id)?.model;
        checked++;
        if (found !== expected) mismatches.push(`${provider} ${m.id}: ${found} != ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it.each([
    ['openai', 'gpt-4o-2024-08-06'],
    ['openai', 'GPT-4o-mini '],
    ['anthropic', 'claude-sonnet-4-5-20250929'],
    ['anthropic', 'claude-3-5-haiku-20241022'],
    ['gcp.vertex_ai', 'claude-sonnet-4-5@20250929'],
    ['gcp.gemini', 'gemini-2.5-pro'],
    ['aws.bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
    ['azure.ai.openai', 'gpt-4o'],
    ['x_ai', 'grok-4'],
    ['deepseek', 'deepseek-chat'],
    ['mistral_ai', 'mistral-large-latest'],
  ])('finds %s %s as the library does', (provider, model) => {
    const expected = calcPrice({}, model, { providerId: PROVIDER_IDS[provider] })?.model.id;
    expect(expected).toBeDefined();
    expect(findInTable(provider, model)?.model).toBe(expected);
  });

  it('has no price for self-hosted servers or unknown models', () => {
    expect(findInTable('ollama', 'llama3.1')).toBeUndefined();
    expect(findInTable('vllm', 'gpt-4o')).toBeUndefined();
    expect(findInTable('openai', 'my-own-model')).toBeUndefined();
  });
});

describe('pricing a call', () => {
  it('costs what the library computes for every model of the table, with cache reads, writes and reasoning', () => {
    const usages = [
      usageOf({ input: 1200, output: 300 }),
      usageOf({ input: 5000, output: 900, read: 3000, write: 1500, reasoning: 400 }),
      usageOf({ input: 250_000, output: 4000, read: 100_000, write: 20_000, reasoning: 1000 }),
    ];
    const mismatches: string[] = [];
    let compared = 0;
    for (const [provider, id] of Object.entries(PROVIDER_IDS)) {
      for (const m of table.providers[id].models) {
        // A few ids do not match their own entry's pattern; the library finds nothing for them either.
        const entry = findInTable(provider, m.id);
        if (entry === undefined) continue;
        const { keys } = pricesAt(entry.prices, NOON_2026);
        if (keys.input_mtok === undefined && keys.output_mtok === undefined) continue;
        for (const u of usages) {
          const expected = libraryPrice(id, m.id, u.library);
          if (expected === undefined) continue;
          compared++;
          const ours = priceOf(keys, u.facts)!;
          if (Math.abs(ours - expected) > 1e-9 * Math.max(1, expected)) mismatches.push(`${provider} ${m.id} ${JSON.stringify(u.library)}: ${ours} != ${expected}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
  });

  it('prices an Anthropic call with cache reads and writes from the raw rates, input counted once', () => {
    const prices = table.providers.anthropic.models.find((m) => m.id === 'claude-sonnet-4-5')!.prices;
    // Anthropic as tokenpath reports it: input 1000 uncached + 2000 read + 500 written = 3500.
    const usage = { inputTokens: 3500, outputTokens: 700, cacheReadInputTokens: 2000, cacheCreationInputTokens: 500 };
    const expected =
      (1000 * prices.input_mtok.base + 2000 * prices.cache_read_mtok.base + 500 * prices.cache_write_mtok.base + 700 * prices.output_mtok.base) / 1e6;
    expect(expected).toBeCloseTo((1000 * 3 + 2000 * 0.3 + 500 * 3.75 + 700 * 15) / 1e6, 15);
    const entry = findInTable('anthropic', 'claude-sonnet-4-5-20250929')!;
    expect(priceOf(pricesAt(entry.prices, NOON_2026).keys, usage)).toBeCloseTo(expected, 15);
  });

  it('prices every token of a call over 200k input tokens at the higher tier', () => {
    const prices = table.providers.google.models.find((m) => m.id === 'gemini-2.5-pro')!.prices;
    const tier = (r: { base: number; tiers: { start: number; price: number }[] }) => r.tiers[0].price;
    expect(prices.input_mtok.tiers[0].start).toBe(200_000);
    const over = { inputTokens: 200_001, outputTokens: 1000, cacheReadInputTokens: 1 };
    const under = { inputTokens: 200_000, outputTokens: 1000, cacheReadInputTokens: 1 };
    const keys = pricesAt(findInTable('gcp.gemini', 'gemini-2.5-pro')!.prices, NOON_2026).keys;
    expect(priceOf(keys, over)).toBeCloseTo(
      (200_000 * tier(prices.input_mtok) + 1 * tier(prices.cache_read_mtok) + 1000 * tier(prices.output_mtok)) / 1e6,
      15,
    );
    expect(priceOf(keys, under)).toBeCloseTo(
      (199_999 * prices.input_mtok.base + 1 * prices.cache_read_mtok.base + 1000 * prices.output_mtok.base) / 1e6,
      15,
    );
  });

  it('prices OpenAI cached input at the cached rate and the rest at the input rate (prompt_tokens includes cached)', () => {
    const prices = table.providers.openai.models.find((m) => m.id === 'gpt-4o')!.prices as Record<string, number>;
    const keys = pricesAt(findInTable('openai', 'gpt-4o-2024-08-06')!.prices, NOON_2026).keys;
    const cost = priceOf(keys, { inputTokens: 10_000, outputTokens: 200, cacheReadInputTokens: 8_000 });
    expect(cost).toBeCloseTo((2_000 * prices.input_mtok + 8_000 * prices.cache_read_mtok + 200 * prices.output_mtok) / 1e6, 15);
  });

  it('prices DeepSeek by the time of day the call was made, as the library does', () => {
    const entry = findInTable('deepseek', 'deepseek-chat')!;
    const u = usageOf({ input: 10_000, output: 1000, read: 4000 });
    for (const at of ['2026-11-30T02:00:00Z', '2026-11-30T16:29:59Z', '2026-11-30T16:30:00Z', '2026-11-30T23:00:00Z']) {
      const atMs = Date.parse(at);
      const { keys, untilMs } = pricesAt(entry.prices, atMs);
      expect(priceOf(keys, u.facts)).toBeCloseTo(libraryPrice('deepseek', 'deepseek-chat', u.library, atMs)!, 15);
      // The keys hold until the next boundary, and the library agrees just before it.
      expect(untilMs).toBeGreaterThan(atMs);
      expect(untilMs - atMs).toBeLessThanOrEqual(86_400_000);
      expect(priceOf(pricesAt(entry.prices, untilMs - 1).keys, u.facts)).toBeCloseTo(priceOf(keys, u.facts)!, 15);
    }
  });

  it('states no price for a call that stated no tokens', () => {
    expect(priceOf({ input_mtok: 1, output_mtok: 2 }, {})).toBeUndefined();
  });
});
