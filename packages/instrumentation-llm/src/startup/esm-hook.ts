import { register as registerModuleHook } from 'node:module';
import type { LlmInstrumentation } from '../instrumentation';

/**
 * ESM apps: hook only the SDK modules we patch (hooking everything broke openai 4's ESM build). A
 * module's own files (`InstrumentationNodeModuleFile`, e.g. `@anthropic-ai/sdk/resources/...`) are
 * imported by relative specifiers, which a package name does not match: they are matched by the
 * end of their file URL.
 */
export function registerEsmHook(instrumentation: LlmInstrumentation, parentUrl: string | URL): void {
  const include: (string | RegExp)[] = [];
  for (const definition of instrumentation.getModuleDefinitions()) {
    include.push(definition.name);
    for (const file of definition.files ?? []) include.push(fileUrlPattern(file.name));
  }
  registerModuleHook('@opentelemetry/instrumentation/hook.mjs', parentUrl, { data: { include } });
}

function fileUrlPattern(fileName: string): RegExp {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`/node_modules/${escaped}$`);
}
