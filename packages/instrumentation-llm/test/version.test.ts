import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/version';

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([pkg.name, pkg.version]);
  });
});
