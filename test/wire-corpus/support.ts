/**
 * What the wire-corpus replay tests share: the case schema (`../shared/wire-corpus/README.md`), where the corpus
 * is, loading the cases of some folders, per-folder pass counts, and the check that the token-usage metric states
 * exactly the span's usage.
 */
import { expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributes } from '@opentelemetry/api';
import type { HistogramPoint } from '../../packages/instrumentation-llm/test/support/harness';

export interface WireCase {
  id: string;
  provider: string;
  api: string;
  streaming: boolean;
  request: { path?: string; body: Record<string, any> | null };
  response: { status?: number; sse_events?: unknown[] };
  expected: {
    response_model: string | null;
    response_id: string | null;
    finish_reasons: (string | number)[] | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation_input_tokens: number | null;
    reasoning_tokens: number | null;
    total_tokens?: number;
    extra?: Record<string, unknown>;
    error?: { http_status: number | null; type: string | null; code: unknown; message: string | null };
  };
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'wire-corpus');
export const corpusPresent = existsSync(corpusDir);

/** The cases of `folders` that `keep` selects, in folder and file order; none when the corpus is absent. */
export function loadCases(folders: readonly string[], keep: (c: WireCase) => boolean = () => true): WireCase[] {
  const out: WireCase[] = [];
  if (!corpusPresent) return out;
  for (const folder of folders) {
    const dir = path.join(corpusDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as WireCase;
      if (keep(c)) out.push(c);
    }
  }
  return out;
}

/** Passed and total cases per corpus folder. */
export class ReplayTally {
  readonly perFolder = new Map<string, { passed: number; total: number }>();
  passed = 0;

  constructor(readonly cases: readonly WireCase[]) {
    for (const c of cases) {
      const entry = this.perFolder.get(folderOf(c)) ?? { passed: 0, total: 0 };
      entry.total++;
      this.perFolder.set(folderOf(c), entry);
    }
  }

  pass(c: WireCase): void {
    this.passed++;
    this.perFolder.get(folderOf(c))!.passed++;
  }
}

export const folderOf = (c: WireCase): string => c.id.split('/')[0];

/**
 * The token-usage metric states exactly the span's usage: one point per token type the span counts (with the
 * span's response model and error type), none for a type it does not.
 */
export function expectTokenPointsOfSpan(points: HistogramPoint[], attrs: Attributes): void {
  const ofType = (type: string): HistogramPoint[] => points.filter((p) => p.attributes['gen_ai.token.type'] === type);
  for (const [type, key] of [
    ['input', 'gen_ai.usage.input_tokens'],
    ['output', 'gen_ai.usage.output_tokens'],
  ] as const) {
    const spanValue = attrs[key];
    const typed = ofType(type);
    if (spanValue === undefined) {
      expect(typed, `${type} token points`).toEqual([]);
    } else {
      expect(typed.map((p) => [p.count, p.sum]), `${type} token points`).toEqual([[1, spanValue]]);
      expect(typed[0].attributes['gen_ai.response.model']).toBe(attrs['gen_ai.response.model']);
      expect(typed[0].attributes['error.type']).toBe(attrs['error.type']);
    }
  }
  expect(points.length).toBe(ofType('input').length + ofType('output').length);
}
