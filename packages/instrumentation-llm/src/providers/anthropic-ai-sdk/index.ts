/**
 * `@anthropic-ai/sdk` (and `@anthropic-ai/bedrock-sdk`, `@anthropic-ai/vertex-sdk`, which build
 * their clients from its classes): which prototype methods are patched, and with which adapter.
 *
 * `Messages.prototype.create` (GA and beta) is where every Messages call ends: `parse()`,
 * `stream()` and the tool runners call it. `stream` is patched only to coordinate with the SDK's
 * own spans before the helper starts one (sdk-tracing.ts). Everything is feature-detected, so a
 * version without beta messages, or without GA messages (0.11–0.13 had only `beta.messages`), is
 * patched where it has them; a missing class never throws.
 *
 * The classes are patched where the main entry exposes them (`Anthropic.Messages`,
 * `Anthropic.Beta.Messages`) and in the files that define them, because the Bedrock and Vertex
 * clients load `@anthropic-ai/sdk/resources/...` without ever loading the main entry.
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { ProviderPatcher } from '../provider';
import { messagesCreate, messagesStreamHelper } from './messages';

/**
 * From the first version with a Messages API (0.11, `beta.messages`) to the newest 1.x. Tested:
 * 0.11.0, 0.20.9, 0.39.0, 0.71.2, 0.137.0 and 1.14.0 (see README). Majors above 1 stay unpatched until tested.
 */
export const ANTHROPIC_SUPPORTED_VERSIONS = ['>=0.11.0 <2'];

/** Paths from the `Anthropic` class to the Messages resource classes. */
const CLASS_PATHS: readonly (readonly string[])[] = [['Messages'], ['Beta', 'Messages']];

/** Files (without extension) that define a `Messages` class, in the 1.x / newer 0.x layout and the older 0.x one. */
const MESSAGES_FILES = [
  'resources/messages/messages',
  'resources/beta/messages/messages',
  'resources/messages',
  'resources/beta/messages',
];

function resourcePrototypes(moduleExports: any): any[] {
  // CJS exports the class as `Anthropic` (and `default`); the ESM namespace as `Anthropic` and `default`.
  const Anthropic = moduleExports?.Anthropic ?? moduleExports?.default;
  const found: any[] = [];
  for (const path of CLASS_PATHS) {
    let cls: any = Anthropic;
    for (const key of path) cls = cls?.[key];
    if (cls?.prototype) found.push(cls.prototype);
  }
  return found;
}

function patch(patcher: ProviderPatcher, protos: any[]): void {
  for (const proto of protos) {
    if (typeof proto?.create !== 'function') continue;
    patcher.wrap(proto, 'create', messagesCreate);
    if (typeof proto.stream === 'function') patcher.wrap(proto, 'stream', messagesStreamHelper);
  }
}

function unpatch(patcher: ProviderPatcher, protos: any[]): void {
  for (const proto of protos) {
    if (!proto) continue;
    patcher.unwrap(proto, 'create');
    patcher.unwrap(proto, 'stream');
  }
}

/** The `Messages` class a resource file exports, if it does. */
const fileMessagesPrototype = (fileExports: any): any[] => [fileExports?.Messages?.prototype];

export function anthropicModules(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  const files = MESSAGES_FILES.flatMap((file) =>
    ['.js', '.mjs'].map(
      (ext) =>
        new InstrumentationNodeModuleFile(
          `@anthropic-ai/sdk/${file}${ext}`,
          ANTHROPIC_SUPPORTED_VERSIONS,
          (fileExports) => {
            patch(patcher, fileMessagesPrototype(fileExports));
            return fileExports;
          },
          (fileExports) => unpatch(patcher, fileMessagesPrototype(fileExports)),
        ),
    ),
  );
  return [
    new InstrumentationNodeModuleDefinition(
      '@anthropic-ai/sdk',
      ANTHROPIC_SUPPORTED_VERSIONS,
      (moduleExports) => {
        patch(patcher, resourcePrototypes(moduleExports));
        return moduleExports;
      },
      (moduleExports) => unpatch(patcher, resourcePrototypes(moduleExports)),
      files,
    ),
  ];
}
