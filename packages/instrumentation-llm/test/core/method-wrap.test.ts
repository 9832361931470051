/**
 * tokenpath's wrapper next to another instrumentation's, in either order. The other instrumentation is a real
 * `InstrumentationBase` whose `_wrap` / `_unwrap` (shimmer) are the ones contrib, OpenLLMetry and OpenInference use:
 * its `_wrap` first unwraps any shimmer wrapper it finds, which would take tokenpath's out.
 */
import { describe, expect, it } from 'vitest';
import { InstrumentationBase, isWrapped } from '@opentelemetry/instrumentation';
import { isWrappedByUs, unwrapIfOutermost, wrapOnTop } from '../../src/core/method-wrap';

class Peer extends InstrumentationBase {
  constructor() {
    super('peer-instrumentation', '1.0.0', { enabled: false });
  }
  protected init() {
    return [];
  }
  wrapCreate(target: object, calls: string[]): void {
    this._wrap(target as any, 'create', (original: any) =>
      function peerCreate(this: unknown, ...args: unknown[]) {
        calls.push('peer');
        return original.apply(this, args);
      },
    );
  }
  unwrapCreate(target: object): void {
    this._unwrap(target as any, 'create');
  }
}

function sdkClass(calls: string[]) {
  return class Completions {
    create(x: number): number {
      calls.push('sdk');
      return x * 2;
    }
  };
}

function wrapWithTokenpath(target: object, calls: string[]): boolean {
  return wrapOnTop(target, 'create', (original) =>
    function tokenpathCreate(this: unknown, ...args: unknown[]) {
      calls.push('tokenpath');
      return original.apply(this, args);
    },
  );
}

describe('wrapping next to another instrumentation', () => {
  it('wraps on top of a peer that patched first, and says it found a shimmer wrapper', () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    new Peer().wrapCreate(proto, calls);
    expect(wrapWithTokenpath(proto, calls)).toBe(true);
    expect(proto.create(21)).toBe(42);
    expect(calls).toEqual(['tokenpath', 'peer', 'sdk']);
    expect(isWrapped(proto.create)).toBe(true);
  });

  it('stays in place when a peer patches after it: the peer stacks on top instead of unwrapping it', () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    expect(wrapWithTokenpath(proto, calls)).toBe(false);
    new Peer().wrapCreate(proto, calls);
    expect(proto.create(21)).toBe(42);
    expect(calls).toEqual(['peer', 'tokenpath', 'sdk']);
  });

  it('wraps once: patching again while its wrapper is anywhere in the chain changes nothing', () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    wrapWithTokenpath(proto, calls);
    new Peer().wrapCreate(proto, calls);
    const before = proto.create;
    expect(wrapWithTokenpath(proto, calls)).toBe(false);
    expect(proto.create).toBe(before);
    proto.create(1);
    expect(calls).toEqual(['peer', 'tokenpath', 'sdk']);
  });

  it("unwrapping restores the peer's wrapper when tokenpath is outermost", () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    new Peer().wrapCreate(proto, calls);
    const peerWrapper = proto.create;
    wrapWithTokenpath(proto, calls);
    unwrapIfOutermost(proto, 'create');
    expect(proto.create).toBe(peerWrapper);
    expect(isWrappedByUs(proto, 'create')).toBe(false);
  });

  it("leaves its wrapper under a peer's (taking it out would take the peer's out too)", () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    wrapWithTokenpath(proto, calls);
    new Peer().wrapCreate(proto, calls);
    unwrapIfOutermost(proto, 'create');
    expect(isWrappedByUs(proto, 'create')).toBe(true);
    proto.create(1);
    expect(calls).toEqual(['peer', 'tokenpath', 'sdk']);
  });

  it("lets the peer unwrap itself from above tokenpath's wrapper", () => {
    const calls: string[] = [];
    const proto = sdkClass(calls).prototype;
    wrapWithTokenpath(proto, calls);
    const peer = new Peer();
    peer.wrapCreate(proto, calls);
    peer.unwrapCreate(proto);
    proto.create(1);
    expect(calls).toEqual(['tokenpath', 'sdk']);
  });
});
