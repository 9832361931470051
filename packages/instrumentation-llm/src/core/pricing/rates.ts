/**
 * A model's rates and the arithmetic that prices one call's usage: the only part of pricing that
 * runs per call. Rates use the price keys of `@pydantic/genai-prices` (per million tokens, per
 * thousand requests), which is also the shape of user overrides.
 */
import type { UsageFacts } from '@tokenpath/semconv';

/** A rate that steps up with the call's input size: `base` until input tokens exceed a tier's `start`. */
export interface TieredRate {
  readonly base: number;
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

export type Rate = number | TieredRate;

/** Price keys of one model, as `@pydantic/genai-prices` names them. */
export interface PriceKeys {
  input_mtok?: Rate;
  output_mtok?: Rate;
  cache_read_mtok?: Rate;
  cache_write_mtok?: Rate;
  output_reasoning_mtok?: Rate;
  requests_kcount?: number;
}

export const PRICE_KEYS = [
  'input_mtok',
  'output_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'output_reasoning_mtok',
  'requests_kcount',
] as const satisfies readonly (keyof PriceKeys)[];

/** True when the keys can price tokens at all (a model priced per audio hour only cannot be priced by tokens). */
export function pricesTokens(keys: PriceKeys): boolean {
  return keys.input_mtok !== undefined || keys.output_mtok !== undefined;
}

function rate(r: Rate | undefined, inputTokens: number): number {
  if (r === undefined) return 0;
  if (typeof r === 'number') return r;
  let price = r.base;
  let from = -1;
  for (const tier of r.tiers) {
    if (inputTokens > tier.start && tier.start > from) {
      price = tier.price;
      from = tier.start;
    }
  }
  return price;
}

/**
 * The price of one call. Usage is in the conventions' accounting (input includes cache reads and
 * writes, output includes reasoning), as `@pydantic/genai-prices` expects it too: the cached and
 * reasoning parts are taken out of their totals only where the model has a rate of their own, so
 * no token is counted twice. A tiered model's tier is chosen by the call's input tokens, for every
 * rate. Returns undefined when the usage states no tokens at all (nothing to price, never 0).
 */
export function priceOf(keys: PriceKeys, usage: UsageFacts): number | undefined {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  if (input === undefined && output === undefined) return undefined;
  const tierBy = input ?? 0;
  let perMillion = 0;
  if (input !== undefined) {
    let uncached = input;
    const read = usage.cacheReadInputTokens;
    if (read && keys.cache_read_mtok !== undefined) {
      perMillion += read * rate(keys.cache_read_mtok, tierBy);
      uncached -= read;
    }
    const write = usage.cacheCreationInputTokens;
    if (write && keys.cache_write_mtok !== undefined) {
      perMillion += write * rate(keys.cache_write_mtok, tierBy);
      uncached -= write;
    }
    if (uncached > 0) perMillion += uncached * rate(keys.input_mtok, tierBy);
  }
  if (output !== undefined) {
    let plain = output;
    const reasoning = usage.reasoningOutputTokens;
    if (reasoning && keys.output_reasoning_mtok !== undefined) {
      perMillion += reasoning * rate(keys.output_reasoning_mtok, tierBy);
      plain -= reasoning;
    }
    if (plain > 0) perMillion += plain * rate(keys.output_mtok, tierBy);
  }
  return perMillion / 1e6 + (keys.requests_kcount ?? 0) / 1000;
}
