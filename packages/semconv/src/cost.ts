/**
 * Names for the money a call cost.
 *
 * The span attributes are those of the GenAI conventions' cost proposal (GenAI repository PR #443,
 * open, not in any release; the group `attributes.gen_ai.usage.cost`):
 * https://github.com/open-telemetry/semantic-conventions-genai/pull/443
 * That proposal's metric, `gen_ai.client.operation.cost`, is a per-call histogram; tokenpath's is a
 * monotonic counter (totals are what budgets and bills add up), so it keeps its own name rather
 * than give the proposal's name a different instrument.
 */

/** The cost of the call, in `gen_ai.usage.cost.currency` (PR #443; not in any release). @experimental */
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount' as const;
/** ISO 4217 code of the cost, e.g. `USD` (PR #443; not in any release). @experimental */
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency' as const;
/** Where the cost comes from: `provider` (stated in the response) or `local` (computed by the recorder) (PR #443). @experimental */
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source' as const;
/** The cost was computed in-process from token counts and a price table. @experimental */
export const GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL = 'local' as const;

/**
 * Which prices priced the call: the bundled table and its version (`@pydantic/genai-prices@0.1.8`),
 * or `user` for prices the user gave. tokenpath's own name: the conventions have none.
 */
export const ATTR_TOKENPATH_COST_PRICE_TABLE = 'tokenpath.cost.price_table' as const;

/**
 * Monotonic counter of the cost of GenAI calls, in the currency its `gen_ai.usage.cost.currency`
 * attribute names. tokenpath's own name (see above).
 */
export const METRIC_TOKENPATH_CLIENT_COST = 'tokenpath.client.cost' as const;
/** The cost counter's unit: an amount of money, the currency being an attribute (as PR #443 writes it). */
export const UNIT_COST = '{cost}' as const;
