import { register as registerModuleHook } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { instrumentationDiag } from '../core/safe';
import { startupWarning } from './startup-warning';
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
 * auto-instrumentations' register, dd-trace's): one hook wraps each module, and Node prints no
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
  port1.on('message', (message: LoaderMessage) => {
    if (message.kind !== 'later-other-copy') return;
    startupWarning(
      `iitm-later-copy:${message.hookUrl}`,
      `tokenpath: an import-in-the-middle hook of another copy (${message.hookUrl}) is registered after tokenpath's: ` +
        'the instrumentations using that copy do not see the SDK modules tokenpath patches when they are imported ' +
        "(ESM). Register that hook before tokenpath's entry (its --import first), or install one copy of " +
        'import-in-the-middle.',
    );
  });
  port1.unref();
}

function fileUrlPattern(fileName: string): RegExp {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`/node_modules/${escaped}$`);
}
