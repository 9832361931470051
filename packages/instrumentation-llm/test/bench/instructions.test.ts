/**
 * bench/instructions.mjs reads what valgrind's cachegrind counted from the file it writes: each
 * event named on its `events:` line, counted on its `summary:` line; and with `--by-code`, which code
 * ran each instruction of a callgrind file, named from V8's perf map. Held here against the formats
 * and, where valgrind is installed, against a file cachegrind really wrote.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { countsIn, instructionsByCode, partOf, perfMapRanges } from '../../bench/instructions.mjs';

const valgrindMissing = (() => {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return String(error);
  }
})();
if (valgrindMissing) console.warn(`instructions.test.ts: a real cachegrind run is not checked, valgrind is not on PATH (${valgrindMissing})`);

describe('countsIn', () => {
  it('pairs each event of the events: line with its total on the summary: line', () => {
    const out = ['desc: I1 cache: 32768 B, 64 B, 8-way associative', 'cmd: node child.mjs', 'events: Ir D1mr D1mw', 'fl=???', '0 5 1 0', 'summary: 123456789 4321 987', ''].join('\n');
    expect(countsIn(out)).toEqual({ Ir: 123456789, D1mr: 4321, D1mw: 987 });
  });

  it('refuses a file whose summary does not match its events, or that has none', () => {
    expect(() => countsIn('events: Ir D1mr\nsummary: 5\n')).toThrow(/events: and summary:/);
    expect(() => countsIn('events: Ir\n')).toThrow(/events: and summary:/);
    expect(() => countsIn('events: Ir\nsummary: many\n')).toThrow(/events: and summary:/);
  });

  it.skipIf(valgrindMissing !== undefined)('reads what cachegrind wrote for a real program, with and without the cache simulation', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenpath-cg-'));
    try {
      const count = (cacheSim: boolean, program: string[]) => {
        const out = path.join(dir, `cg.${cacheSim}.${program.length}`);
        execFileSync('valgrind', ['-q', '--tool=cachegrind', `--cache-sim=${cacheSim ? 'yes' : 'no'}`, `--cachegrind-out-file=${out}`, ...program], { stdio: 'ignore' });
        return countsIn(readFileSync(out, 'utf8'));
      };
      const small = count(false, ['/bin/true']);
      expect(Object.keys(small)).toEqual(['Ir']);
      // A program that does more work counts more instructions.
      const larger = count(false, ['/bin/sh', '-c', 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done']);
      expect(larger.Ir).toBeGreaterThan(small.Ir * 2);
      const simulated = count(true, ['/bin/true']);
      expect(simulated).toHaveProperty('D1mr');
      expect(simulated).toHaveProperty('DLmw');
      expect(simulated.D1mr).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('instructionsByCode', () => {
  // V8's perf map: a builtin, and a function compiled twice (Sparkplug, then TurboFan at another address).
  const perfMap = [
    '1a27000 3f8 Builtin:DeoptimizationEntry_Eager',
    '28000040 100 JS:^finish /app/node_modules/@tokenpath/instrumentation-llm/dist/core/operation.js:231:9',
    '28000400 80 JS:*finish /app/node_modules/@tokenpath/instrumentation-llm/dist/core/operation.js:231:9',
    'not a perf map line',
  ].join('\n');
  // callgrind with --dump-instr=yes --compress-pos=no: per-instruction self costs under fn=, and after
  // calls= the callee's inclusive cost, which is not this function's own.
  const callgrind = [
    'positions: instr',
    'events: Ir',
    'ob=/usr/bin/node',
    'fn=Builtins_InterpreterEnterAtBytecode',
    '0x1a27285 25',
    'ob=???',
    'fn=0x0000000028000040',
    '0x28000050 7',
    'calls=1 0x28000400',
    '0x28000060 1000',
    '0x28000070 3',
    'fn=0x0000000028000400',
    '0x28000410 11',
    "fn=v8::internal::Scavenger::Process'2",
    '0x7000 40',
    'fn=v8::internal::Scavenger::Process',
    '0x7004 2',
  ].join('\n');

  it('names JIT code and builtins from the perf map, one row per function whatever its tier, and skips the inclusive cost after calls=', () => {
    const byName = instructionsByCode(callgrind, perfMapRanges(perfMap));
    expect(Object.fromEntries(byName)).toEqual({
      // callgrind called it InterpreterEnterAtBytecode, the symbol before it in the binary.
      'Builtin:DeoptimizationEntry_Eager': 25,
      'JS:finish /app/node_modules/@tokenpath/instrumentation-llm/dist/core/operation.js:231:9': 7 + 3 + 11,
      // callgrind's recursion mark ('2) folded into the function.
      'v8::internal::Scavenger::Process': 42,
    });
  });

  it('puts each piece of code in its part of the process', () => {
    expect(partOf('JS:finish /app/node_modules/@tokenpath/instrumentation-llm/dist/core/operation.js:231:9')).toBe('JS @tokenpath/instrumentation-llm');
    expect(partOf('JS:create /repo/test/.sdk/openai@6/node_modules/openai/resources/chat.js:1:2')).toBe('JS openai');
    expect(partOf('JS:finish /work/main/packages/instrumentation-llm/dist/core/operation.js:3:4')).toBe('JS @tokenpath/instrumentation-llm');
    expect(partOf("JS:normalizeString node:path:92:25")).toBe('JS node');
    expect(partOf('Builtin:LoadIC')).toBe('V8 builtins');
    expect(partOf('v8::internal::Scavenger::Process')).toBe('V8 GC');
    expect(partOf('v8::internal::maglev::MaglevGraphBuilder::Build()')).toBe('V8 compilers');
    expect(partOf('__memmove_avx_unaligned_erms')).toBe('C++ (V8, Node, libc)');
  });
});
