import { register as registerModuleHook } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { instrumentationDiag } from '../core/safe';
import type { LlmInstrumentation } from '../instrumentation';
import type { LoaderData, LoaderMessage } from './esm-loader';

/**
 * ESM apps: hook only the SDK modules we patch (hooking everything broke openai 4's ESM build). A
 * module's own files (`InstrumentationNodeModuleFile`, e.g. `@anthropic-ai/sdk/resources/...`) are
 * imported by relative specifiers, which a package name does not match: they are matched by the
 * end of their file URL.
 *
 * The hook is import-in-the-middle's, through esm-loader.ts, which shares the process with an
 * import-in-the-middle hook the app registered before (contrib's `@opentelemetry/instrumentation/hook.mjs`,
 * auto-instrumentations' register, dd-trace): one hook wraps each module, and Node prints no
 * "already been initialized" warning.
 */
export function registerEsmHook(instrumentation: LlmInstrumentation, parentUrl: string | URL): void {
  const include: (string | RegExp)[] = [];
  for (const definition of instrumentation.getModuleDefinitions()) {
    include.push(definition.name);
    for (const file of definition.files ?? []) include.push(fileUrlPattern(file.name));
  }
  const { port1, port2 } = new MessageChannel();
  const data: LoaderData = { include, port: port2 };
  registerModuleHook(pathToFileURL(join(__dirname, 'esm-loader.js')), parentUrl, { data, transferList: [port2] });

  // register() returns once the loader's initialize() has run: its first message is already there.
  const first = receiveMessageOnPort(port1)?.message as LoaderMessage | undefined;
  if (first?.kind === 'initialized' && first.earlierHook) {
    instrumentationDiag.debug(
      'tokenpath: an import-in-the-middle hook was registered before tokenpath; modules it wraps are left to it',
    );
  }
  const toldOtherCopy = new Set<string>();
  port1.on('message', (message: LoaderMessage) => {
    if (message.kind !== 'other-copy' || toldOtherCopy.has(message.url)) return;
    toldOtherCopy.add(message.url);
    instrumentationDiag.warn(
      `tokenpath: ${message.url} is wrapped by an import-in-the-middle hook registered before tokenpath's, from ` +
        'another copy of import-in-the-middle, so tokenpath cannot patch it in ESM (the other instrumentation ' +
        'keeps it). Make the app install one copy of import-in-the-middle, or load this SDK with require().',
    );
  });
  port1.unref();
}

function fileUrlPattern(fileName: string): RegExp {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`/node_modules/${escaped}$`);
}
