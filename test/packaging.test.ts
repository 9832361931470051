import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function run(args: string[]): string {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, OTEL_SDK_DISABLED: 'true' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe('the built packages', () => {
  it('work from require()', () => {
    const out = run([
      '-e',
      `const i = require('@tokenpath/instrumentation-llm'); const s = require('@tokenpath/semconv');
       console.log(typeof i.LlmInstrumentation, i.VERSION, s.ATTR_GEN_AI_USAGE_INPUT_TOKENS)`,
    ]);
    expect(out).toBe('function 0.1.0 gen_ai.usage.input_tokens');
  });

  it('work from import, with named exports', () => {
    const out = run([
      '--input-type=module',
      '-e',
      `import { LlmInstrumentation, VERSION } from '@tokenpath/instrumentation-llm';
       import { METRIC_GEN_AI_CLIENT_TOKEN_USAGE, PROFILE_INCUBATING_1_45 } from '@tokenpath/semconv';
       console.log(typeof LlmInstrumentation, VERSION, METRIC_GEN_AI_CLIENT_TOKEN_USAGE, PROFILE_INCUBATING_1_45.id)`,
    ]);
    expect(out).toBe('function 0.1.0 gen_ai.client.token.usage incubating-1.45');
  });

  it('expose only the documented entry points', () => {
    const out = run(['-e', `try { require('@tokenpath/instrumentation-llm/dist/core/operation'); console.log('open'); } catch (e) { console.log(e.code); }`]);
    expect(out).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
