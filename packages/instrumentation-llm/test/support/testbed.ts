/**
 * The fixture every SDK behaviour test shares: a harness (real SDK providers, the real
 * instrumentation), a fresh stand-in server, and a client of the SDK under test pointed at it,
 * set up once per file and reset between tests.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { LlmInstrumentationConfig } from '@tokenpath/instrumentation-llm';
import { createHarness, type Harness } from './harness';
import { startStandIn, type StandIn } from './stand-in';

export interface Testbed<Client> {
  readonly h: Harness;
  readonly standIn: StandIn;
  readonly client: Client;
  /** The SDK module as the app would load it. */
  readonly sdk: any;
}

/** What a testbed loads and the client it builds on the stand-in. */
export interface TestbedSetup<Client> {
  /** Loaded after the harness exists, so that its require hook patches the module. */
  module: string;
  client: (sdk: any, standIn: StandIn) => Client;
  /** Runs once the harness exists, before the module is loaded (another instrumentation that must patch it too). */
  beforeLoad?: (h: Harness) => void;
}

/**
 * The harness and stand-in of one test file, set up once and reset between tests; with a `setup`, also the SDK
 * module and a client of it. Without one, the file loads the SDK (or several copies of it) itself.
 */
export function useTestbed<Client = undefined>(
  setup?: TestbedSetup<Client>,
  options: { config?: LlmInstrumentationConfig; sampler?: Sampler } = {},
): Testbed<Client> {
  const bed = {} as { h: Harness; standIn: StandIn; client: Client; sdk: any };
  beforeAll(async () => {
    bed.h = createHarness(options);
    bed.standIn = await startStandIn();
    if (!setup) return;
    setup.beforeLoad?.(bed.h);
    bed.sdk = bed.h.load(setup.module);
    bed.client = setup.client(bed.sdk, bed.standIn);
  });
  afterAll(async () => {
    await bed.standIn?.close();
    await bed.h?.shutdown();
  });
  beforeEach(async () => {
    await bed.h.reset();
    bed.standIn.served.length = 0;
  });
  return bed;
}

/** An OpenAI client on the stand-in, without retries (retries are tested on their own). */
export const openaiClient = {
  module: 'openai',
  client: (OpenAI: any, standIn: StandIn) =>
    new OpenAI({ apiKey: 'sk-test-secret-key', baseURL: `${standIn.url}/v1`, maxRetries: 0 }),
};
