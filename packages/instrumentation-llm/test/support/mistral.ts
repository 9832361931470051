/**
 * `@mistralai/mistralai` 1.x for the in-process tests: not a devDependency (2.x's optional OpenTelemetry peers
 * conflict with the repo's), so test/support/sdk-versions.mjs installs it into test/.sdk, and it is loaded through a
 * require made in that folder, after the harness exists, so that the require hook patches it as in an app.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import type { StandIn } from './stand-in';
// @ts-expect-error -- plain ESM script (no declaration file)
import { installSdkVersions, sdkDir } from '../../../../test/support/sdk-versions.mjs';

export const MISTRAL_NAME = '@mistralai/mistralai';
export const MISTRAL_VERSION = '1.15.1';
export const MISTRAL_MODEL = 'mistral-small-latest';

/** Installs (once) and loads the SDK; `require` resolves further files of it. */
export async function loadMistral(): Promise<{ sdk: any; require: NodeJS.Require }> {
  const [installed] = await installSdkVersions([`${MISTRAL_NAME}@${MISTRAL_VERSION}`], { log: (m: string) => console.log(m) });
  expect(installed.version).toBe(MISTRAL_VERSION);
  const sdkRequire = createRequire(path.join(sdkDir(MISTRAL_NAME, MISTRAL_VERSION), 'package.json'));
  return { sdk: sdkRequire(MISTRAL_NAME), require: sdkRequire };
}

/** A client of the stand-in's Mistral API. */
export function mistralClientOn(sdk: any, standIn: StandIn): any {
  return new sdk.Mistral({ apiKey: 'mistral-test-secret-key', serverURL: `${standIn.url}/mistral` });
}

/** A module as the SDK itself resolves it (e.g. the zod it validates with). */
export function requireFromMistral(id: string): any {
  return createRequire(path.join(sdkDir(MISTRAL_NAME, MISTRAL_VERSION), 'node_modules', MISTRAL_NAME, 'package.json'))(id);
}
