import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

describe('regression: --require preloads also run in Node\'s module-hooks worker', () => {
  it('starts the SDK and registers the ESM hook once, on the main thread only', () => {
    const run = spawnSync(
      process.execPath,
      ['--require', '@tokenpath/instrumentation-llm/register', '-e', 'console.log("app ran")'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('app ran');
    expect(run.stderr).not.toContain("'import-in-the-middle' hook has already been initialized");
  });
});
