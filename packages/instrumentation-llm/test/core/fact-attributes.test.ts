import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { selectProfiles, type GenAiSemconvProfile } from '@tokenpath/semconv';
import { factNames, writeRequestFacts, writeResponseFacts, writeUsageFacts } from '../../src/core/fact-attributes';

// A value for every fact a profile can name: each pair's fact, set to a value of its own.
function factsOf(pairs: readonly (readonly [string, string])[]): Record<string, unknown> {
  return Object.fromEntries(pairs.map(([fact], i) => [fact, `v-${fact}-${i}`]));
}

// What the profile's pairs say the attributes are: every name of every fact that has a value.
function expected(pairs: readonly (readonly [string, string])[], facts: Record<string, unknown>): Attributes {
  return Object.fromEntries(pairs.filter(([fact]) => facts[fact] !== undefined).map(([fact, key]) => [key, facts[fact]])) as Attributes;
}

const modes = ['default', 'latest', 'duplicate'] as const;

describe('facts written as span attributes', () => {
  for (const mode of modes) {
    const profile: GenAiSemconvProfile = selectProfiles(mode).span;

    it(`writes every fact the ${mode} profile names, under each of its names`, () => {
      const names = factNames(profile);
      for (const [pairs, write] of [
        [profile.request, (f: any, out: Attributes) => writeRequestFacts(names.request, f, out)],
        [profile.response, (f: any, out: Attributes) => writeResponseFacts(names.response, f, out)],
        [profile.usage, (f: any, out: Attributes) => writeUsageFacts(names.usage, f, out)],
      ] as const) {
        const facts = factsOf(pairs);
        const out: Attributes = {};
        write(facts, out);
        expect(out).toEqual(expected(pairs, facts));
        expect(Object.keys(out).length).toBeGreaterThan(0);
      }
    });

    it(`leaves out facts without a value and says whether any usage was stated (${mode})`, () => {
      const names = factNames(profile);
      const out: Attributes = {};
      writeRequestFacts(names.request, { model: 'm', temperature: undefined }, out);
      expect(out).toEqual(expected(profile.request, { model: 'm' }));
      expect(writeUsageFacts(names.usage, {}, {})).toBe(false);
      expect(writeUsageFacts(names.usage, { outputTokens: 0 }, {})).toBe(true);
    });
  }

  it('works the names out once per profile', () => {
    const a = selectProfiles('default').span;
    const b = selectProfiles('duplicate').span;
    expect(factNames(a)).toBe(factNames(a));
    const first = factNames(b);
    factNames(a);
    expect(factNames(b)).toBe(first);
  });
});
