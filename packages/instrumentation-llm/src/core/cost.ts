/**
 * The money a call cost, computed in-process from the offline price table (pricing/table.ts) and
 * the user's prices (pricing/overrides.ts). A model's price is looked up once per (provider,
 * model) and kept; pricing a call is then arithmetic only (pricing/rates.ts). A model without a
 * known price gets no cost, never 0, and one diagnostic message.
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { findInTable, tableHasProvider, pricesAt, TABLE_CURRENCY, TABLE_VERSION, type TableEntry } from './pricing/table';
import { checkOverrides, findOverride, MODEL_PRICES_FILE_ENV, readOverridesFile, type PriceOverride } from './pricing/overrides';
import { priceOf, pricesTokens, type PriceKeys } from './pricing/rates';
import { instrumentationDiag } from './safe';

/** What one call cost. */
export interface CallCost {
  readonly amount: number;
  /** ISO 4217 code: `USD` for the table's prices. */
  readonly currency: string;
  /** Which prices priced it: the table's version (`@pydantic/genai-prices@0.1.8`), or `user` for the user's prices. */
  readonly priceTable: string;
}

/** The user's prices are named `user` where a call says which table priced it. */
export const USER_PRICE_TABLE = 'user';

interface Price {
  readonly user: boolean;
  readonly currency: string;
  keys: PriceKeys;
  /** Time-dependent table prices: the keys hold from `fromMs` until `untilMs`. */
  fromMs: number;
  untilMs: number;
  readonly schedule: TableEntry['prices'] | undefined;
}

const MAX_CACHED_MODELS = 1024;
const MAX_REPORTED_MODELS = 100;

export class CostModel {
  /** provider → model → its price (null: none), so that a call's lookup builds no key. */
  private readonly prices = new Map<string, Map<string, Price | null>>();
  private cachedModels = 0;
  /** provider → models already reported as unpriced. */
  private readonly reported = new Map<string, Set<string>>();
  private reportedCount = 0;
  /** The names priced last and the price they chose: an app's calls mostly repeat one model. */
  private lastProvider: string | undefined = undefined;
  private lastResponseModel: string | undefined = undefined;
  private lastRequestModel: string | undefined = undefined;
  private lastPrice: Price | null = null;

  /** `overrides`: the user's prices, the option's before the file's (the first that applies wins). */
  constructor(private readonly overrides: readonly PriceOverride[] = []) {}

  /**
   * The cost of a call that stated `usage`, priced by the model that answered (else the model
   * asked for), at `atMs` (the call's start, for prices that change by date or time of day). The
   * user's price for either name wins over the table's. Undefined when the usage states no tokens
   * or neither name has a price.
   */
  costOf(
    provider: string,
    responseModel: string | undefined,
    requestModel: string | undefined,
    usage: UsageFacts,
    atMs: number,
  ): CallCost | undefined {
    if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
    const price =
      provider === this.lastProvider && responseModel === this.lastResponseModel && requestModel === this.lastRequestModel
        ? this.lastPrice
        : this.choosePrice(provider, responseModel, requestModel);
    if (price === null) {
      const model = responseModel ?? requestModel;
      if (model !== undefined) this.reportUnpriced(provider, model);
      return undefined;
    }
    const keys = price.schedule === undefined || (atMs >= price.fromMs && atMs < price.untilMs) ? price.keys : this.reschedule(price, atMs);
    const amount = priceOf(keys, usage);
    if (amount === undefined) return undefined;
    return { amount, currency: price.currency, priceTable: price.user ? USER_PRICE_TABLE : TABLE_VERSION };
  }

  private choosePrice(provider: string, responseModel: string | undefined, requestModel: string | undefined): Price | null {
    const byResponse = responseModel === undefined ? null : this.priceFor(provider, responseModel);
    const byRequest = requestModel === undefined || requestModel === responseModel ? null : this.priceFor(provider, requestModel);
    const price = byResponse?.user ? byResponse : byRequest?.user ? byRequest : (byResponse ?? byRequest);
    this.lastProvider = provider;
    this.lastResponseModel = responseModel;
    this.lastRequestModel = requestModel;
    this.lastPrice = price;
    return price;
  }

  private priceFor(provider: string, model: string): Price | null {
    let models = this.prices.get(provider);
    let price = models?.get(model);
    if (price !== undefined) return price;
    try {
      price = this.lookUp(provider, model);
    } catch (error) {
      instrumentationDiag.error(`tokenpath: looking up the price of "${model}" failed; its calls carry no cost`, error);
      price = null;
    }
    // Model names are few in practice; the bound only guards an app that makes up names per call.
    if (this.cachedModels >= MAX_CACHED_MODELS) {
      this.prices.clear();
      this.cachedModels = 0;
      models = undefined;
    }
    if (models === undefined) this.prices.set(provider, (models = new Map()));
    models.set(model, price);
    this.cachedModels++;
    return price;
  }

  private lookUp(provider: string, model: string): Price | null {
    const user = findOverride(this.overrides, provider, model);
    if (user !== undefined) {
      return { user: true, currency: user.currency, keys: user.keys, fromMs: -Infinity, untilMs: Infinity, schedule: undefined };
    }
    const entry = findInTable(provider, model);
    if (entry === undefined) return null;
    const now = Date.now();
    const { keys, untilMs } = pricesAt(entry.prices, now);
    if (!pricesTokens(keys)) return null;
    const schedule = Array.isArray(entry.prices) ? entry.prices : undefined;
    return { user: false, currency: TABLE_CURRENCY, keys, fromMs: schedule ? now : -Infinity, untilMs, schedule };
  }

  /** A call outside the window the kept keys hold for: the keys in force at its time (kept only for later calls). */
  private reschedule(price: Price, atMs: number): PriceKeys {
    const { keys, untilMs } = pricesAt(price.schedule!, atMs);
    if (atMs >= price.fromMs) {
      price.keys = keys;
      price.fromMs = atMs;
      price.untilMs = untilMs;
    }
    return keys;
  }

  private reportUnpriced(provider: string, model: string): void {
    if (this.reportedCount > MAX_REPORTED_MODELS) return;
    let models = this.reported.get(provider);
    if (models === undefined) this.reported.set(provider, (models = new Set()));
    if (models.has(model)) return;
    models.add(model);
    if (++this.reportedCount > MAX_REPORTED_MODELS) {
      instrumentationDiag.warn(`tokenpath: ${MAX_REPORTED_MODELS} models have no price; further ones are not reported`);
      return;
    }
    // A hosted provider's unknown model is news (its bill goes uncounted); a self-hosted one has no
    // list price by nature, and a warning on every start of such an app would only be noise.
    instrumentationDiag[tableHasProvider(provider) ? 'warn' : 'info'](
      `tokenpath: no price for model "${model}" of provider "${provider}" in ${TABLE_VERSION} or the user's prices, ` +
        `so its calls carry no cost. Give one with the modelPrices option or ${MODEL_PRICES_FILE_ENV}.`,
    );
  }
}

/**
 * The cost model of a config: the `modelPrices` option's entries, then those of the file
 * `OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE` names, then the table. Read once per config.
 */
export function costModelFrom(modelPrices: unknown, env: NodeJS.ProcessEnv, report: (message: string) => void): CostModel {
  const fromOption = modelPrices === undefined ? [] : checkOverrides(modelPrices, 'the modelPrices option', report);
  return new CostModel([...fromOption, ...readOverridesFile(env[MODEL_PRICES_FILE_ENV], report)]);
}
