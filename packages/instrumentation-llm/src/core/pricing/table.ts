/**
 * The offline price table: the data of `@pydantic/genai-prices` as a snapshot shipped with
 * tokenpath (genai-prices.json, written by scripts/update-price-table.mjs), and the library's rules
 * for finding a model in it. Nothing here reaches the network, ever; the table changes only with a
 * tokenpath release. Lookups run once per (provider, model), never per call.
 */
import * as V from '@tokenpath/semconv';
import type { PriceKeys } from './rates';
import data from './genai-prices.json';

type Match =
  | { or: Match[] }
  | { and: Match[] }
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string };

type Constraint =
  | { type: 'start_date'; start_date: string }
  | { type: 'time_of_date'; start_time: string; end_time: string };

interface TableModel {
  id: string;
  match: Match;
  prices: PriceKeys | { constraint?: Constraint; prices: PriceKeys }[];
}

interface TableProvider {
  fallbacks?: string[];
  models: TableModel[];
}

interface TableData {
  source: string;
  version: string;
  currency: string;
  providers: Record<string, TableProvider>;
}

const table = data as unknown as TableData;

/** `@pydantic/genai-prices@0.1.8`: which table priced a call. */
export const TABLE_VERSION = `${table.source}@${table.version}`;
export const TABLE_CURRENCY = table.currency;

/** `gen_ai.provider.name` → the table's provider. Self-hosted servers (Ollama, vLLM) have no list price. */
const TABLE_PROVIDER: Readonly<Record<string, string>> = {
  [V.GEN_AI_PROVIDER_NAME_VALUE_OPENAI]: 'openai',
  [V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI]: 'azure',
  [V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE]: 'azure',
  [V.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC]: 'anthropic',
  [V.GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK]: 'aws',
  [V.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI]: 'google',
  [V.GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI]: 'google',
  [V.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI]: 'google',
  [V.GEN_AI_PROVIDER_NAME_VALUE_COHERE]: 'cohere',
  [V.GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK]: 'deepseek',
  [V.GEN_AI_PROVIDER_NAME_VALUE_GROQ]: 'groq',
  [V.GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI]: 'mistral',
  [V.GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI]: 'moonshotai',
  [V.GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY]: 'perplexity',
  [V.GEN_AI_PROVIDER_NAME_VALUE_X_AI]: 'x-ai',
  [V.GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI]: 'together',
  [V.GEN_AI_PROVIDER_NAME_VALUE_FIREWORKS_AI]: 'fireworks',
  [V.GEN_AI_PROVIDER_NAME_VALUE_OPENROUTER]: 'openrouter',
  [V.GEN_AI_PROVIDER_NAME_VALUE_CEREBRAS]: 'cerebras',
};

/** Whether the table lists prices for a provider at all (self-hosted ones such as Ollama and vLLM have none). */
export function tableHasProvider(provider: string): boolean {
  const id = TABLE_PROVIDER[provider];
  return id !== undefined && table.providers[id] !== undefined;
}

/** A model's entry in the table; `model` is the table's id (e.g. `claude-sonnet-4-5`). */
export interface TableEntry {
  readonly model: string;
  readonly prices: TableModel['prices'];
}

/**
 * The table's entry for a model of a provider, by the library's rules: the first model whose
 * `match` fits the lower-cased name, else the name with a `-YYYYMMDD` date written `-YYYY-MM-DD`,
 * each also in the provider's fallback providers (Azure also serves OpenAI's, Anthropic's, ...).
 */
export function findInTable(provider: string, model: string): TableEntry | undefined {
  const id = TABLE_PROVIDER[provider];
  const p = id === undefined ? undefined : table.providers[id];
  if (p === undefined) return undefined;
  const name = model.toLowerCase().trim();
  const found = findModel(p, name);
  if (found) return found;
  const dated = withDashedDates(name);
  return dated === name ? undefined : findModel(p, dated);
}

function findModel(p: TableProvider, name: string): TableEntry | undefined {
  const own = p.models.find((m) => matches(m.match, name));
  if (own) return { model: own.id, prices: own.prices };
  for (const f of p.fallbacks ?? []) {
    const other = table.providers[f]?.models.find((m) => matches(m.match, name));
    if (other) return { model: other.id, prices: other.prices };
  }
  return undefined;
}

function matches(m: Match, name: string): boolean {
  if ('or' in m) return m.or.some((x) => matches(x, name));
  if ('and' in m) return m.and.every((x) => matches(x, name));
  if ('equals' in m) return name === m.equals.toLowerCase();
  if ('starts_with' in m) return name.startsWith(m.starts_with.toLowerCase());
  if ('ends_with' in m) return name.endsWith(m.ends_with.toLowerCase());
  if ('contains' in m) return name.includes(m.contains.toLowerCase());
  if ('regex' in m) return new RegExp(m.regex).test(name);
  return false;
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

function withDashedDates(name: string): string {
  return name.replace(COMPACT_DATE, (whole, dash: string, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? `${dash}${y}-${m}-${d}` : whole;
  });
}

const DAY_MS = 86_400_000;

/**
 * The price keys in force at `atMs`, and until when they stay in force. Most models have one set
 * of prices (in force forever); some change on a date or by time of day (DeepSeek's off-peak
 * hours). The last constraint that holds wins, as in the library; the first set is the default.
 */
export function pricesAt(prices: TableEntry['prices'], atMs: number): { keys: PriceKeys; untilMs: number } {
  if (!Array.isArray(prices)) return { keys: prices, untilMs: Infinity };
  let chosen: PriceKeys | undefined;
  let untilMs = Infinity;
  for (let i = prices.length - 1; i >= 0; i--) {
    const { constraint, prices: keys } = prices[i];
    if (constraint !== undefined) untilMs = Math.min(untilMs, nextChange(constraint, atMs));
    if (chosen === undefined && holds(constraint, atMs)) chosen = keys;
  }
  return { keys: chosen ?? prices[0].prices, untilMs };
}

function holds(c: Constraint | undefined, atMs: number): boolean {
  if (c === undefined) return true;
  if (c.type === 'start_date') return atMs >= Date.parse(`${c.start_date}T00:00:00Z`);
  const now = ((atMs % DAY_MS) + DAY_MS) % DAY_MS;
  const start = timeOfDayMs(c.start_time);
  const end = timeOfDayMs(c.end_time);
  return end < start ? now >= start || now < end : now >= start && now < end;
}

function nextChange(c: Constraint, atMs: number): number {
  if (c.type === 'start_date') {
    const at = Date.parse(`${c.start_date}T00:00:00Z`);
    return at > atMs ? at : Infinity;
  }
  const day = atMs - (((atMs % DAY_MS) + DAY_MS) % DAY_MS);
  let next = Infinity;
  for (const t of [timeOfDayMs(c.start_time), timeOfDayMs(c.end_time)]) {
    const at = day + t > atMs ? day + t : day + t + DAY_MS;
    next = Math.min(next, at);
  }
  return next;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` → milliseconds after midnight UTC. */
function timeOfDayMs(time: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (m === null) throw new Error(`invalid time of day in the price table: ${time}`);
  const local = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]) + Number(m[4] ?? 0)) * 1000;
  const offset = m[5] === 'Z' ? 0 : (m[6] === '+' ? 1 : -1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
  return (((local - offset) % DAY_MS) + DAY_MS) % DAY_MS;
}
