import type { CallAdapter } from '../core/traced-call';

/** What a provider's module definition may do: wrap a method with an adapter, and undo it. */
export interface ProviderPatcher {
  wrap(target: object, method: string, adapter: CallAdapter): void;
  unwrap(target: object, method: string): void;
}
