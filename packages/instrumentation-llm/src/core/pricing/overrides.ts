/**
 * User prices for models the table does not know or prices differently: custom, fine-tuned and
 * self-hosted models, negotiated rates. Given as the `modelPrices` option and as a JSON file named
 * by `OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE`. Every entry is checked once, at start-up; an
 * invalid entry is left out with one message naming the setting and what is allowed, and the
 * valid ones still apply.
 */
import { readFileSync } from 'node:fs';
import { PRICE_KEYS, pricesTokens, type PriceKeys, type Rate } from './rates';

/** One user price, in the price keys of `@pydantic/genai-prices` (per million tokens unless named otherwise). */
export interface ModelPrice extends PriceKeys {
  /** The model as the call names it (request or response model), or a prefix ending in `*` (`ft:gpt-4o-mini:*`). */
  model: string;
  /** The `gen_ai.provider.name` it applies to (`openai`, `vllm`, ...); every provider when absent. */
  provider?: string;
  /** ISO 4217 code of the rates; default `USD`. */
  currency?: string;
}

export const MODEL_PRICES_FILE_ENV = 'OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE';

/** A checked user price, ready to match calls against. */
export interface PriceOverride {
  readonly provider: string | undefined;
  /** Lower-cased model name, or prefix when `prefix` is set. */
  readonly model: string;
  readonly prefix: boolean;
  readonly currency: string;
  readonly keys: PriceKeys;
}

const ALLOWED_FIELDS = ['model', 'provider', 'currency', ...PRICE_KEYS];
const SHAPE =
  `each entry is {"model": "<name or prefix*>", "provider"?: "<gen_ai.provider.name>", "currency"?: "<ISO 4217, default USD>", ` +
  `${PRICE_KEYS.map((k) => `"${k}"?`).join(', ')}} with at least input_mtok or output_mtok; a rate is a non-negative number ` +
  `or {"base": n, "tiers": [{"start": <input tokens>, "price": n}]}`;
const MAX_LISTED = 5;

/** Checks the entries of one setting; reports the invalid ones in one message through `report`. */
export function checkOverrides(entries: unknown, setting: string, report: (message: string) => void): PriceOverride[] {
  if (!Array.isArray(entries)) {
    report(`${setting} must be a list of model prices; ${SHAPE}. No user prices are used from it.`);
    return [];
  }
  const valid: PriceOverride[] = [];
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const problem = checkEntry(entry);
    if (problem === undefined) valid.push(toOverride(entry as ModelPrice));
    else problems.push(`[${i}] ${problem}`);
  });
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('; ') + (problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '');
    report(
      `${setting}: ${problems.length} of ${entries.length} model prices are invalid and left out (${listed}); ${SHAPE}. ` +
        `The ${valid.length} valid ones are used.`,
    );
  }
  return valid;
}

/** Reads the file the variable names: `{"models": [...]}`. A file that cannot be read or parsed gives one message and no prices. */
export function readOverridesFile(path: string | undefined, report: (message: string) => void): PriceOverride[] {
  if (path === undefined || path.trim() === '') return [];
  const setting = `${MODEL_PRICES_FILE_ENV} (${path})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.trim(), 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `is not valid JSON: ${error.message}` : `cannot be read: ${(error as Error).message}`;
    report(`${setting} ${reason}; expected {"models": [...]} where ${SHAPE}. Prices come from the bundled table only.`);
    return [];
  }
  const models = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { models?: unknown }).models : undefined;
  if (models === undefined) {
    report(`${setting} must hold {"models": [...]} where ${SHAPE}. Prices come from the bundled table only.`);
    return [];
  }
  return checkOverrides(models, setting, report);
}

function checkEntry(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'is not an object';
  const e = entry as Record<string, unknown>;
  const unknown = Object.keys(e).filter((k) => !ALLOWED_FIELDS.includes(k));
  if (unknown.length > 0) return `has the unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`;
  if (typeof e.model !== 'string' || e.model.trim() === '' || e.model.trim() === '*') return 'needs "model", a model name or a prefix ending in *';
  if (e.provider !== undefined && (typeof e.provider !== 'string' || e.provider === '')) return '"provider" must be a gen_ai.provider.name value';
  if (e.currency !== undefined && (typeof e.currency !== 'string' || !/^[A-Z]{3}$/.test(e.currency))) {
    return '"currency" must be an ISO 4217 code such as USD or EUR';
  }
  for (const key of PRICE_KEYS) {
    if (e[key] === undefined) continue;
    if (key === 'requests_kcount' ? !isAmount(e[key]) : !isRate(e[key])) return `"${key}" is not a valid rate`;
  }
  if (!pricesTokens(e as PriceKeys)) return `"${e.model}" has neither input_mtok nor output_mtok`;
  return undefined;
}

function isAmount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isRate(v: unknown): v is Rate {
  if (isAmount(v)) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const { base, tiers, ...rest } = v as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    isAmount(base) &&
    Array.isArray(tiers) &&
    tiers.every(
      (t) =>
        t !== null &&
        typeof t === 'object' &&
        Number.isSafeInteger((t as { start?: unknown }).start) &&
        ((t as { start: number }).start >= 0) &&
        isAmount((t as { price?: unknown }).price),
    )
  );
}

function toOverride(e: ModelPrice): PriceOverride {
  const keys: PriceKeys = {};
  for (const key of PRICE_KEYS) if (e[key] !== undefined) (keys as Record<string, Rate>)[key] = e[key];
  const model = e.model.trim().toLowerCase();
  const prefix = model.endsWith('*');
  return {
    provider: e.provider,
    model: prefix ? model.slice(0, -1) : model,
    prefix,
    currency: e.currency ?? 'USD',
    keys,
  };
}

/** The first user price that applies to a model of a provider (the option's entries come before the file's). */
export function findOverride(overrides: readonly PriceOverride[], provider: string, model: string): PriceOverride | undefined {
  const name = model.toLowerCase().trim();
  return overrides.find(
    (o) => (o.provider === undefined || o.provider === provider) && (o.prefix ? name.startsWith(o.model) : name === o.model),
  );
}
