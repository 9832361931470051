/**
 * Clients of the real @google/genai on the stand-in, for the Google behaviour tests: the Gemini API
 * (API key, sent by the SDK as `x-goog-api-key`) and Vertex AI (project and location, with a real
 * google-auth-library OAuth2Client holding a fixed access token, so no network or ADC is needed).
 */
import { createRequire } from 'node:module';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { StandIn } from '../../support/stand-in';

export const GEMINI_API_KEY = 'AIzaSyTESTgeminiSecretKey0123456789';
export const VERTEX_ACCESS_TOKEN = 'ya29.test-vertex-access-token';
export const VERTEX_PROJECT = 'tokenpath-test-project';
export const VERTEX_LOCATION = 'us-central1';

/** testbed setup: a Gemini API client (no retries: the SDK retries only when `retryOptions` are given). */
export const geminiClient = {
  module: '@google/genai',
  client: (sdk: any, standIn: StandIn) => new sdk.GoogleGenAI({ apiKey: GEMINI_API_KEY, httpOptions: { baseUrl: standIn.url } }),
};

/**
 * A Vertex AI client. `authFrom` is a require that resolves google-auth-library next to the SDK copy
 * under test (each copy brings its own).
 */
export function vertexClient(sdk: any, standIn: StandIn, authFrom: NodeRequire = createRequire(import.meta.url)): any {
  const { OAuth2Client } = authFrom('google-auth-library');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: VERTEX_ACCESS_TOKEN, expiry_date: Date.now() + 3_600_000 });
  return new sdk.GoogleGenAI({
    vertexai: true,
    project: VERTEX_PROJECT,
    location: VERTEX_LOCATION,
    googleAuthOptions: { authClient },
    httpOptions: { baseUrl: standIn.url },
  });
}

/** Everything telemetry carries of a span, as text (for "never contains" checks). */
export function telemetryText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })));
}
