import { describe, expect, it } from 'vitest';
import { MetricAttributeSet } from '../../src/core/metric-attributes';

describe('interned metric attribute sets', () => {
  it('finds the same set again for the same attributes, built once', () => {
    const root = MetricAttributeSet.root();
    const a = root.with('gen_ai.operation.name', 'chat').with('gen_ai.provider.name', 'openai');
    const b = root.with('gen_ai.operation.name', 'chat').with('gen_ai.provider.name', 'openai');
    expect(b).toBe(a);
    expect(b.attributes).toBe(a.attributes);
    expect(a.attributes).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' });
  });

  it('never changes a set it handed out: a child is a new object, and a later value of a key replaces the earlier one', () => {
    const root = MetricAttributeSet.root();
    const chat = root.with('gen_ai.operation.name', 'chat');
    const before = { ...chat.attributes };
    const other = chat.with('gen_ai.operation.name', 'embeddings').with('error.type', 'RateLimitError');
    expect(chat.attributes).toEqual(before);
    expect(other.attributes).toEqual({ 'gen_ai.operation.name': 'embeddings', 'error.type': 'RateLimitError' });
    expect(root.attributes).toEqual({});
  });

  it('finds each set again when a call alternates between children (token types), and tells keys with the same value apart', () => {
    const root = MetricAttributeSet.root();
    const set = root.with('gen_ai.operation.name', 'chat');
    const input = set.with('gen_ai.token.type', 'input');
    const output = set.with('gen_ai.token.type', 'output');
    const byOtherKey = set.with('gen_ai.response.model', 'input');
    for (let i = 0; i < 3; i++) {
      expect(set.with('gen_ai.token.type', 'input')).toBe(input);
      expect(set.with('gen_ai.token.type', 'output')).toBe(output);
      expect(set.with('gen_ai.response.model', 'input')).toBe(byOtherKey);
    }
    expect(input.attributes).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'input' });
    expect(byOtherKey.attributes).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'input' });
  });

  it('tells values of different types apart (a port 443 is not the string "443")', () => {
    const root = MetricAttributeSet.root();
    expect(root.with('server.port', 443)).not.toBe(root.with('server.port', '443'));
    expect(root.with('server.port', 443).attributes['server.port']).toBe(443);
  });

  it('keeps at most its limit of sets: past it, sets are still right but built per use and not kept', () => {
    const root = MetricAttributeSet.root(10);
    const kept = Array.from({ length: 10 }, (_, i) => root.with('gen_ai.request.model', `m${i}`));
    for (let i = 0; i < 10; i++) expect(root.with('gen_ai.request.model', `m${i}`)).toBe(kept[i]);
    const past = root.with('gen_ai.request.model', 'm-new');
    expect(past.attributes).toEqual({ 'gen_ai.request.model': 'm-new' });
    expect(root.with('gen_ai.request.model', 'm-new')).not.toBe(past);
    // A flood of new values past the limit keeps none of them: each is built again when asked again, right.
    for (let i = 0; i < 1000; i++) {
      const first = root.with('gen_ai.request.model', `flood${i}`);
      const again = root.with('gen_ai.request.model', `flood${i}`);
      expect(again).not.toBe(first);
      expect(again.attributes).toEqual({ 'gen_ai.request.model': `flood${i}` });
    }
    // Nor are the children of a set built past the limit.
    expect(past.with('tenant.id', 't1')).not.toBe(past.with('tenant.id', 't1'));
    expect(root.with('gen_ai.request.model', 'm3')).toBe(kept[3]);
  });
});
