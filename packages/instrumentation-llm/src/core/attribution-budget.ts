/**
 * A budget of distinct values per attribution key on metric points: every metric series a value
 * opens lives as long as the process, so a tenant id must not open one per tenant. The first
 * values of a key are kept as they are; once the key's budget is spent, every new value becomes
 * `_OTHER` (and one diagnostic message says so). Totals stay whole: a folded value still counts,
 * under `_OTHER`.
 */
import { TOKENPATH_ATTRIBUTION_VALUE_OTHER } from '@tokenpath/semconv';
import { instrumentationDiag } from './safe';

export class ValueBudget {
  private readonly admitted = new Map<string, Set<string>>();

  /**
   * `limit`: distinct values one key may show on metric points, `_OTHER` included (as the
   * OpenTelemetry SDK's cardinality limit counts its overflow series), so `limit - 1` real values.
   */
  constructor(private readonly limit: number) {}

  /** The value a metric point carries for `key`: `value` while the budget lasts, else `_OTHER`. */
  admit(key: string, value: string): string {
    let values = this.admitted.get(key);
    if (values === undefined) {
      values = new Set();
      this.admitted.set(key, values);
    }
    if (values.has(value)) return value;
    if (values.size < this.limit - 1) {
      values.add(value);
      return value;
    }
    if (values.size === this.limit - 1) {
      // The first value over budget: said once per key; the set never grows past its limit.
      values.add(TOKENPATH_ATTRIBUTION_VALUE_OTHER);
      instrumentationDiag.warn(
        `tokenpath: the attribution key "${key}" reached its budget of ${this.limit} distinct values on metric points; ` +
          `further values are recorded as ${TOKENPATH_ATTRIBUTION_VALUE_OTHER} in metrics (spans keep them). ` +
          `Raise it with attributionMetricValueLimit or OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT.`,
      );
    }
    return TOKENPATH_ATTRIBUTION_VALUE_OTHER;
  }
}
