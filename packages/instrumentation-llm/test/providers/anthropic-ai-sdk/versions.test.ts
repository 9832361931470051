/**
 * The instrumentation declares `@anthropic-ai/sdk >=0.11.0 <2`. This runs one compact behaviour check against the
 * newest 0.x (installed by test/support/sdk-versions.mjs into the git-ignored test/.sdk/) and the repo's own 1.x
 * devDependency. Each copy is loaded through a require created inside its own folder AFTER the harness exists, so
 * the require hook patches that copy, as in an app. Both copies trace themselves: a global tracer provider is
 * registered, so the folding of the SDK's own spans is checked on each.
 *
 * CI must be able to install the 0.x version (npm registry access): run `node test/support/sdk-versions.mjs`
 * first, or let the beforeAll below do it; without the registry this suite fails with the installer's message.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createHarness, tokenTotal, type Harness } from '../../support/harness';
import { startStandIn, type StandIn } from '../../support/stand-in';
import { MODEL, inputOf, messages } from './support';
// @ts-expect-error -- plain ESM script (no declaration file); its shapes are typed where used
import { installSdkVersions, sdkDir, SDK_VERSIONS } from '../../../../../test/support/sdk-versions.mjs';

const NAME = '@anthropic-ai/sdk';
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const readVersion = (packageDir: string): string => JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
const repoPackageDir = path.join(repoRoot, 'node_modules', NAME);
const MATRIX: { version: string; source: 'test/.sdk' | 'repo' }[] = [
  ...(SDK_VERSIONS[NAME] as string[]).map((version) => ({ version, source: 'test/.sdk' as const })),
  { version: readVersion(repoPackageDir), source: 'repo' },
];

const INSTALL_TIMEOUT_MS = 5 * 60_000;

let h: Harness;
let standIn: StandIn;
const tested = new Map<string, { from: string; passed: number; total: number }>();

beforeAll(async () => {
  h = createHarness();
  trace.setGlobalTracerProvider(h.tracerProvider);
  standIn = await startStandIn();
  const specs = (SDK_VERSIONS[NAME] as string[]).map((v) => `${NAME}@${v}`);
  const installed: { packageDir: string; version: string }[] = await installSdkVersions(specs, { log: (m: string) => console.log(m) });
  for (const i of installed) expect(readVersion(i.packageDir)).toBe(i.version);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await standIn?.close();
  await h?.shutdown();
  trace.disable();
  const lines = [...tested].map(([v, t]) => `${v} (${t.from}): ${t.passed}/${t.total} checks passed`);
  console.log(`${NAME} versions tested: ${lines.length ? lines.join('; ') : 'none'}`);
});

beforeEach(async () => {
  await h.reset();
  standIn.served.length = 0;
});

async function onlySpan(model = MODEL): Promise<ReadableSpan> {
  const spans = await h.spans();
  expect(spans.map((s) => s.name), 'exactly one span per call, the SDK’s own folded in').toEqual([`chat ${model}`]);
  return spans[0];
}

/** Token-usage points equal the span's input / output tokens (one point each). */
async function expectTokenPoints(span: ReadableSpan): Promise<void> {
  const points = await h.points('gen_ai.client.token.usage');
  expect(tokenTotal(points, 'input')).toBe(span.attributes['gen_ai.usage.input_tokens']);
  expect(tokenTotal(points, 'output')).toBe(span.attributes['gen_ai.usage.output_tokens']);
  expect(points.reduce((n, p) => n + p.count, 0)).toBe(2);
}

describe.each(MATRIX)(`${NAME} $version ($source)`, ({ version, source }) => {
  let sdk: any;
  let client: any;
  let loadedFrom: string;
  const check = (name: string, fn: () => Promise<void>): void => {
    it(name, async () => {
      let ok = false;
      try {
        await fn();
        ok = true;
      } finally {
        const t = tested.get(version);
        if (t) {
          t.total++;
          if (ok) t.passed++;
        }
      }
    });
  };

  beforeAll(() => {
    if (source === 'repo') {
      sdk = h.load(NAME);
      loadedFrom = path.relative(repoRoot, repoPackageDir);
    } else {
      const dir: string = sdkDir(NAME, version);
      const folderRequire = createRequire(path.join(dir, 'package.json'));
      const resolved = folderRequire.resolve(NAME);
      expect(resolved.startsWith(path.join(dir, 'node_modules', NAME) + path.sep), resolved).toBe(true);
      sdk = folderRequire(NAME);
      loadedFrom = path.relative(repoRoot, path.join(dir, 'node_modules', NAME));
    }
    tested.set(version, { from: loadedFrom, passed: 0, total: 0 });
    client = new sdk.Anthropic({ apiKey: 'sk-ant-versions-matrix', baseURL: standIn.url, maxRetries: 0 });
  });

  check('loads that copy and the require hook patched it', async () => {
    expect(readVersion(path.join(repoRoot, loadedFrom))).toBe(version);
    expect(isWrapped(sdk.Anthropic.Messages.prototype.create), 'Messages.prototype.create').toBe(true);
    expect(isWrapped(sdk.Anthropic.Beta.Messages.prototype.create), 'Beta.Messages.prototype.create').toBe(true);
  });

  check('messages.create: exact usage attributes with a cache write and thinking', async () => {
    const system = [{ type: 'text', text: `cached prompt of ${version}`, cache_control: { type: 'ephemeral' } }];
    const r = await client.messages.create({ model: MODEL, max_tokens: 50, system, messages, thinking: { type: 'enabled', budget_tokens: 1024 } });
    const span = await onlySpan();
    const wire = standIn.served[0].usage!;
    expect(wire.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(wire),
      'gen_ai.usage.output_tokens': wire.output_tokens,
      'gen_ai.usage.cache_creation.input_tokens': wire.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
    expect(r.usage).toEqual(wire);
    await expectTokenPoints(span);
  });

  check('messages.create stream: usage from message_start and message_delta, time to first chunk', async () => {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, messages, stream: true });
    let text = '';
    for await (const event of stream) if (event.delta?.type === 'text_delta') text += event.delta.text;
    expect(text).toContain('tokenpath stand-in');
    const span = await onlySpan();
    const wire = standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(wire),
      'gen_ai.usage.output_tokens': wire.output_tokens,
    });
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    await expectTokenPoints(span);
  });

  check('messages.stream(): events and finalMessage() keep working, one span', async () => {
    const helper = client.messages.stream({ model: MODEL, max_tokens: 50, messages });
    let text = '';
    helper.on('text', (t: string) => (text += t));
    const final = await helper.finalMessage();
    expect(final.content[0].text).toBe(text);
    const span = await onlySpan();
    expect(span.attributes['gen_ai.response.id']).toBe(final.id);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(final.usage.output_tokens);
  });

  check('an HTTP 429: error.type is the SDK error class, no token points', async () => {
    await expect(client.messages.create({ model: 'error-429', max_tokens: 50, messages })).rejects.toBeInstanceOf(sdk.RateLimitError);
    const span = await onlySpan('error-429');
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(await h.points('gen_ai.client.token.usage')).toEqual([]);
  });
});
