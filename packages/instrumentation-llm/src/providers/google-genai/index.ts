/**
 * @google/genai: which methods are patched, and with which adapter.
 *
 * The SDK keeps its public methods (`models.generateContent`, `generateContentStream`,
 * `embedContent`) as arrow-function instance fields, created per client, so they cannot be patched
 * once. They all end in prototype methods of the exported `Models` class that make exactly one HTTP
 * request each: `generateContentInternal`, `generateContentStreamInternal`, `embedContentInternal`.
 * Patching those gives one span per model call, whatever called it: `chats.sendMessage[Stream]`
 * (which go through the models methods), each turn of automatic function calling and each
 * automatic-continuation hop (3.x). Checked in 1.52, 2.32 and 3.3 (see README); 1.0-era SDKs have
 * `embedContent` itself on the prototype, which is patched when `embedContentInternal` is missing.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { CallAdapter } from '../../core/traced-call';
import type { ProviderPatcher } from '../provider';
import { generateContent, generateContentStream } from './generate-content';
import { embedContent } from './embed-content';

/** Tested: 1.52, 2.32, 3.3 (see README). Majors above 3 stay unpatched until tested. */
export const GOOGLE_GENAI_SUPPORTED_VERSIONS = ['>=1.0.0 <4'];

const TARGETS: readonly { methods: readonly string[]; adapter: CallAdapter }[] = [
  { methods: ['generateContentInternal'], adapter: generateContent },
  { methods: ['generateContentStreamInternal'], adapter: generateContentStream },
  { methods: ['embedContentInternal', 'embedContent'], adapter: embedContent },
];

/** The first of each target's methods that `Models.prototype` itself defines (never an instance field). */
function patchPoints(moduleExports: any): { proto: object; method: string; adapter: CallAdapter }[] {
  const proto = moduleExports?.Models?.prototype;
  if (!proto) return [];
  const found: { proto: object; method: string; adapter: CallAdapter }[] = [];
  for (const { methods, adapter } of TARGETS) {
    const method = methods.find((m) => Object.prototype.hasOwnProperty.call(proto, m) && typeof proto[m] === 'function');
    if (method) found.push({ proto, method, adapter });
  }
  return found;
}

export function googleGenAiModules(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  return [
    new InstrumentationNodeModuleDefinition(
      '@google/genai',
      GOOGLE_GENAI_SUPPORTED_VERSIONS,
      (moduleExports) => {
        for (const { proto, method, adapter } of patchPoints(moduleExports)) patcher.wrap(proto, method, adapter);
        return moduleExports;
      },
      (moduleExports) => {
        for (const { proto, method } of patchPoints(moduleExports)) patcher.unwrap(proto, method);
      },
    ),
  ];
}
