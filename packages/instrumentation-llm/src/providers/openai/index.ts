/**
 * The `openai` package: which prototype methods are patched, and with which adapter.
 * Every API is feature-detected on the module's exports, so a major that lacks one (e.g.
 * `Responses` before 4.87) is simply not patched there; no version is sniffed.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { CallAdapter } from '../../core/traced-call';
import type { ProviderPatcher } from '../provider';
import { chatCompletionsCreate } from './chat-completions';
import { responsesCreate } from './responses';
import { embeddingsCreate } from './embeddings';
import { completionsCreate } from './completions';

/** Tested: 4.104, 5.23, 6.49, 7.59 (see README). Majors above 7 stay unpatched until tested. */
export const OPENAI_SUPPORTED_VERSIONS = ['>=4.0.0 <8'];

interface PatchTarget {
  /** Path from the `OpenAI` class to the resource class, e.g. ['Chat', 'Completions']. */
  path: readonly string[];
  adapter: CallAdapter;
}

const TARGETS: readonly PatchTarget[] = [
  { path: ['Chat', 'Completions'], adapter: chatCompletionsCreate },
  { path: ['Responses'], adapter: responsesCreate },
  { path: ['Embeddings'], adapter: embeddingsCreate },
  { path: ['Completions'], adapter: completionsCreate },
];

function prototypesOf(moduleExports: any): { proto: any; adapter: CallAdapter }[] {
  // CJS exports the class as `OpenAI` (and `default`); the ESM namespace as `OpenAI` and `default`.
  const OpenAI = moduleExports?.OpenAI ?? moduleExports?.default;
  const found: { proto: any; adapter: CallAdapter }[] = [];
  for (const { path, adapter } of TARGETS) {
    let cls: any = OpenAI;
    for (const key of path) cls = cls?.[key];
    const proto = cls?.prototype;
    if (proto && typeof proto.create === 'function') found.push({ proto, adapter });
  }
  return found;
}

export function openaiModule(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition {
  return new InstrumentationNodeModuleDefinition(
    'openai',
    OPENAI_SUPPORTED_VERSIONS,
    (moduleExports) => {
      for (const { proto, adapter } of prototypesOf(moduleExports)) patcher.wrap(proto, 'create', adapter);
      return moduleExports;
    },
    (moduleExports) => {
      for (const { proto } of prototypesOf(moduleExports)) patcher.unwrap(proto, 'create');
    },
  );
}
