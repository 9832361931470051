import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';
import {
  API_FLOOR,
  apiCopyProblem,
  describeApiCopyProblem,
  ownApiCopy,
  readableProvider,
  readsRegistryOf,
  versionAtLeast,
} from '../../src/startup/api-copies';

describe('api copies', () => {
  it('finds the api copy tokenpath loads, with its version', () => {
    const resolved = createRequire(join(__dirname, '../../src/startup/api-copies.ts')).resolve('@opentelemetry/api');
    const own = ownApiCopy()!;
    expect(resolved.startsWith(own.path)).toBe(true);
    expect(own.version).toBe(JSON.parse(readFileSync(join(own.path, 'package.json'), 'utf8')).version);
  });

  it('reads a registry by the api rule: same major, minor no newer than the registry', () => {
    expect(readsRegistryOf('1.10.0', '1.10.0')).toBe(true);
    expect(readsRegistryOf('1.10.0', '1.10.3')).toBe(true);
    expect(readsRegistryOf('1.9.1', '1.10.0')).toBe(true);
    expect(readsRegistryOf('1.10.0', '1.9.1')).toBe(false);
    expect(readsRegistryOf('1.10.0', '2.0.0')).toBe(false);
    expect(readsRegistryOf('1.10.0-rc.1', '1.10.0')).toBe(false);
  });

  it('keeps the floor where the peer range and the sdk packages tokenpath depends on put it', () => {
    const root = join(__dirname, '../../../..');
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(pkg.peerDependencies['@opentelemetry/api']).toBe(`^${API_FLOOR}`);
    const sdkPackages = Object.keys(pkg.dependencies).filter((name) => name.startsWith('@opentelemetry/'));
    expect(sdkPackages.length).toBeGreaterThan(0);
    for (const name of sdkPackages) {
      const peer: string = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).peerDependencies['@opentelemetry/api'];
      expect({ name, floor: /\d+\.\d+\.\d+/.exec(peer)![0] }).toEqual({ name, floor: API_FLOOR });
    }
  });

  it('compares against the floor numerically', () => {
    expect(versionAtLeast('1.10.0', API_FLOOR)).toBe(true);
    expect(versionAtLeast('1.11.2', API_FLOOR)).toBe(true);
    expect(versionAtLeast('1.9.1', API_FLOOR)).toBe(false);
    expect(versionAtLeast('1.2.0', API_FLOOR)).toBe(false);
  });

  it('finds providers registered through an older minor, and nothing when the registry is readable or empty', () => {
    const own = { version: '1.10.0', path: '/app/node_modules/@opentelemetry/api' };
    const provider = trace.getTracerProvider();
    const older = { version: '1.9.1', trace: provider };
    expect(apiCopyProblem(own, older)).toEqual({ kind: 'registry-unreadable', own, registered: '1.9.1', registry: older });
    expect(apiCopyProblem(own, { version: '1.10.0', trace: provider })).toBeUndefined();
    expect(apiCopyProblem(own, { version: '1.9.1' })).toBeUndefined();
    expect(apiCopyProblem(own, undefined)).toBeUndefined();
    expect(apiCopyProblem({ ...own, version: '1.9.1' }, undefined)).toEqual({ kind: 'own-too-old', own: { ...own, version: '1.9.1' } });
  });

  it('names both versions, where tokenpath loads its copy, and the fix', () => {
    const own = { version: '1.10.0', path: '/app/node_modules/@opentelemetry/api' };
    const problem = apiCopyProblem(own, { version: '1.9.1', metrics: {} as never })!;
    const message = describeApiCopyProblem(problem, { ddTrace: true });
    expect(message).toMatch(/^tokenpath: /);
    expect(message).toContain('registered through @opentelemetry/api 1.9.1');
    expect(message).toContain('tokenpath loads @opentelemetry/api 1.10.0 (/app/node_modules/@opentelemetry/api)');
    expect(message).toContain('"overrides": { "@opentelemetry/api": "1.10.0" }');
    expect(message).toContain('dd-trace, which declares <1.10.0');
    expect(message).toContain('tokenpath reports to those providers directly');
    expect(describeApiCopyProblem(problem, { ddTrace: false })).not.toContain('dd-trace');
  });

  it('hands out the providers of a registry its copy cannot read in place of its own globals, and nothing else', () => {
    const key = Symbol.for('opentelemetry.js.api.1');
    const own: TracerProvider = trace.getTracerProvider();
    const registered: TracerProvider = new ProxyTracerProvider();
    const other: TracerProvider = new ProxyTracerProvider();
    const saved = (globalThis as any)[key];
    (globalThis as any)[key] = { version: '1.9.1', trace: registered };
    try {
      expect(readableProvider('trace', own, own)).toBe(registered);
      expect(readableProvider('trace', other, own)).toBe(other);
      (globalThis as any)[key] = { version: ownApiCopy()!.version, trace: registered };
      expect(readableProvider('trace', own, own)).toBe(own);
    } finally {
      (globalThis as any)[key] = saved;
    }
  });
});
