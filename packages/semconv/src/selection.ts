import type { GenAiSemconvProfile } from './profile';
import { PROFILE_INCUBATING_1_45 } from './profiles/incubating-1-45';
import { PROFILE_GEN_AI_LATEST } from './profiles/gen-ai-latest';

/**
 * The `OTEL_SEMCONV_STABILITY_OPT_IN` entry that selects the newest GenAI conventions
 * (`gen_ai_latest_experimental`), or both sets at once with the `/dup` suffix.
 * https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/README.md
 */
export const SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL = 'gen_ai_latest_experimental' as const;

/** Which names to emit: the default 1.45 set, the newest, or both (a migration window). */
export type SemconvMode = 'default' | 'latest' | 'duplicate';

/** The names a span is written with, and the profiles each recording metrics of its own. */
export interface SemconvSelection {
  readonly span: GenAiSemconvProfile;
  readonly metrics: readonly GenAiSemconvProfile[];
}

const DEFAULT: SemconvSelection = { span: PROFILE_INCUBATING_1_45, metrics: [PROFILE_INCUBATING_1_45] };
const LATEST: SemconvSelection = { span: PROFILE_GEN_AI_LATEST, metrics: [PROFILE_GEN_AI_LATEST] };
const DUPLICATE: SemconvSelection = {
  span: spanUnion(PROFILE_INCUBATING_1_45, PROFILE_GEN_AI_LATEST),
  metrics: [PROFILE_INCUBATING_1_45, PROFILE_GEN_AI_LATEST],
};

export function selectProfiles(mode: SemconvMode): SemconvSelection {
  return mode === 'latest' ? LATEST : mode === 'duplicate' ? DUPLICATE : DEFAULT;
}

/** A profile whose spans carry the names of both (a fact written under each name the two give it). */
function spanUnion(a: GenAiSemconvProfile, b: GenAiSemconvProfile): GenAiSemconvProfile {
  const union = <T extends readonly [string, string]>(x: readonly T[], y: readonly T[]): readonly T[] => [
    ...x,
    ...y.filter(([fact, key]) => !x.some(([f, k]) => f === fact && k === key)),
  ];
  return {
    ...a,
    id: `${a.id}+${b.id}`,
    request: union(a.request, b.request),
    response: union(a.response, b.response),
    usage: union(a.usage, b.usage),
  };
}
