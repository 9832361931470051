import { diag } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Settles the resource's asynchronous attributes (the host detector reads `host.id` from the machine
 * id asynchronously) as soon as the SDK has started. OTLP readers and span processors wait for them
 * before each export, but the Prometheus exporter reads the resource synchronously on every scrape and
 * logs "Accessing resource attributes before async attributes settled" twice per scrape for as long as
 * nobody has waited. Waiting once marks the resource settled for every reader, and keeps `host.id`
 * (detecting with synchronous detectors only would drop it).
 *
 * The resource is the NodeSDK's `_resource` (sdk-node 0.301 keeps it there and gives the same object to
 * every provider); if a later SDK moves it, this does nothing, and the Prometheus test says so.
 */
export function settleResource(sdk: NodeSDK): Promise<void> {
  const resource = (sdk as unknown as { _resource?: { waitForAsyncAttributes?(): Promise<void> } })._resource;
  // A detector's failed attribute is dropped by the resource itself; nothing here may reject into the app.
  return Promise.resolve(resource?.waitForAsyncAttributes?.()).catch((error: unknown) =>
    diag.debug('tokenpath: settling the resource failed', error),
  );
}
