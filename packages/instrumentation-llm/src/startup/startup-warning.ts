import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import { apiRegistry, ownApiCopy, readsRegistryOf } from './api-copies';

const said = new Set<string>();

/**
 * A start-up finding the user must see once, whoever owns logging: through the app's diag logger
 * when one is registered where tokenpath's API copy can read it (the app chose its level), else on
 * stderr as the API's console logger prints a warning. An app with its own SDK, or dd-trace, often
 * sets no diag logger at all, and a refused API copy has none: the message would be lost.
 * `OTEL_LOG_LEVEL=error` or `none` keeps it quiet.
 */
export function startupWarning(key: string, message: string, env: NodeJS.ProcessEnv = process.env): void {
  if (said.has(key)) return;
  said.add(key);
  const level = env.OTEL_LOG_LEVEL?.trim().toLowerCase();
  if (level === 'none' || level === 'error') return;
  const registry = apiRegistry();
  const own = ownApiCopy();
  if (registry?.diag !== undefined && own !== undefined && readsRegistryOf(own.version, registry.version)) {
    diag.warn(message);
  } else {
    new DiagConsoleLogger().warn(message);
  }
}
