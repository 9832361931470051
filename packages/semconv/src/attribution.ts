/**
 * Attribution (`withAttribution`, allowlisted baggage): the keys are the app's own (`tenant.id`,
 * `app.feature`, ...), so only the value a metric point carries once a key's budget of distinct
 * values is spent is named here.
 */

/**
 * The value every new value of an attribution key becomes on metric points once the key's budget
 * of distinct values is spent: the conventions' `_OTHER`, as for `error.type`. Spans keep the real
 * value. (The OpenTelemetry metrics SDK's own cardinality limit instead folds whole series into
 * one marked `otel.metric.overflow=true`; this budget acts per key, before it, and keeps the
 * other attributes of the point.) @experimental
 */
export const TOKENPATH_ATTRIBUTION_VALUE_OTHER = '_OTHER' as const;
