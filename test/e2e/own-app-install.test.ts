/**
 * The README's way into one's own app, as a user runs it: pack the two workspaces, install the tarballs
 * (and the app's own `openai`) into a fresh app directory outside this repository, and start the app
 * with `node --require @tokenpath/instrumentation-llm/register`. Its calls arrive at an OTLP receiver
 * with their exact tokens. npm resolves from its cache first (`--prefer-offline`); whatever the cache
 * lacks comes from the registry, as for any user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { REGISTER, REPO_ROOT, appEnv, appResults, expectTokenMetrics, startStandIn, tokensOf, type Exit, type StandIn } from './support.js';

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status})\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("tokenpath in one's own app, from packed tarballs", () => {
  let dir: string;
  let app: string;
  let standIn: StandIn;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokenpath-own-app-'));
    const packs = join(dir, 'packs');
    app = join(dir, 'app');
    mkdirSync(packs);
    mkdirSync(app);
    npm(['pack', '--workspaces', '--pack-destination', packs], REPO_ROOT);
    const tarballs = readdirSync(packs).filter((f) => /^tokenpath-.*\.tgz$/.test(f)).sort();
    expect(tarballs).toEqual(['tokenpath-instrumentation-llm-0.1.0.tgz', 'tokenpath-semconv-0.1.0.tgz']);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'own-app', version: '1.0.0', private: true }));
    copyFileSync(join(REPO_ROOT, 'examples/apps/openai-chat.cjs'), join(app, 'app.cjs'));
    copyFileSync(join(REPO_ROOT, 'examples/apps/openai-calls.cjs'), join(app, 'openai-calls.cjs'));
    npm(['install', ...NPM_FLAGS, ...tarballs.map((t) => join(packs, t)), 'openai@7'], app);
    [standIn, receiver] = await Promise.all([startStandIn(), startOtlpReceiver()]);
  }, 300_000);
  afterAll(async () => {
    await Promise.all([standIn?.close(), receiver?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('node --require …/register meters the app, which has nothing of tokenpath in its code', async () => {
    // Started in the app's directory: the register entry is the one installed there, not this repository's.
    const exit = await runInApp(['--require', REGISTER, 'app.cjs'], appEnv(receiver.url, 'own-app', {
      OPENAI_BASE_URL: `${standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-own-app-not-a-real-key',
    }));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));
    await receiver.waitFor(() => receiver.spans.length >= 4);
    expectTokenMetrics(receiver, standIn.served.map((s) => tokensOf(s.usage)));
    expect(receiver.spans[0]!.scope.name).toBe('@tokenpath/instrumentation-llm');
  });

  function runInApp(args: string[], env: NodeJS.ProcessEnv): Promise<Exit> {
    const child = spawn(process.execPath, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }
});
