/**
 * Metric attribute sets, interned: a call's metric points carry one of few distinct attribute sets
 * (operation, provider, models, server, the budgeted attribution, token type), so each set is built
 * once and then found again, instead of an object spread per metric point per call. A finished
 * call then records its duration, token counts and cost without allocating an attribute object,
 * which matters most where an SDK keeps a call's objects alive across young-generation GCs (every
 * byte allocated per call is then copied and promoted).
 *
 * A set is never changed once built (the SDK keeps the first object of each series as its key).
 * The number of sets is bounded: past the limit, new sets are built per use and not kept, so a
 * misbehaving attribute (an unbounded model name) costs allocation again, never memory.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';

/** Sets kept per root: well above the SDK's default cardinality limit (2,000 series per instrument). */
export const MAX_INTERNED_SETS = 4096;

interface Counter {
  count: number;
}

export class MetricAttributeSet {
  /** The attributes; shared by every call that has this set, never to be changed. */
  readonly attributes: Attributes;
  /** key → value → the set with `key` set to `value`. */
  private children: Map<string, Map<AttributeValue, MetricAttributeSet>> | undefined;
  /**
   * The two children found last: calls repeat the same chain (one operation, provider, model and
   * server), and a call's token points alternate between two children of one set (input, output),
   * so most steps are answered here without the two map lookups.
   */
  private lastKey: string | undefined = undefined;
  private lastValue: AttributeValue | undefined = undefined;
  private lastChild: MetricAttributeSet | undefined = undefined;
  private prevKey: string | undefined = undefined;
  private prevValue: AttributeValue | undefined = undefined;
  private prevChild: MetricAttributeSet | undefined = undefined;
  private readonly counter: Counter;

  private constructor(attributes: Attributes, counter: Counter) {
    this.attributes = attributes;
    this.counter = counter;
  }

  /** An empty set, the root of its own bounded family of sets. */
  static root(limit = MAX_INTERNED_SETS): MetricAttributeSet {
    return new MetricAttributeSet({}, { count: limit });
  }

  /** This set with `key` set to `value` (added, or replacing this set's value of `key`). */
  with(key: string, value: AttributeValue): MetricAttributeSet {
    if (this.lastValue === value && this.lastKey === key) return this.lastChild!;
    if (this.prevValue === value && this.prevKey === key) {
      const child = this.prevChild!;
      this.remember(key, value, child);
      return child;
    }
    let byValue = this.children?.get(key);
    const found = byValue?.get(value);
    if (found !== undefined) {
      this.remember(key, value, found);
      return found;
    }
    const child = new MetricAttributeSet({ ...this.attributes, [key]: value }, this.counter);
    if (this.counter.count <= 0) return child;
    this.counter.count--;
    if (byValue === undefined) {
      byValue = new Map();
      (this.children ??= new Map()).set(key, byValue);
    }
    byValue.set(value, child);
    return child;
  }

  private remember(key: string, value: AttributeValue, child: MetricAttributeSet): void {
    this.prevKey = this.lastKey;
    this.prevValue = this.lastValue;
    this.prevChild = this.lastChild;
    this.lastKey = key;
    this.lastValue = value;
    this.lastChild = child;
  }
}
