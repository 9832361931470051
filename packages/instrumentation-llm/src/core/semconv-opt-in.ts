/**
 * Which GenAI semantic conventions to emit, chosen by `OTEL_SEMCONV_STABILITY_OPT_IN` (a
 * comma-separated list, parsed by OpenTelemetry's own helper exactly as for `http` or `database`):
 *
 * - unset, or without a GenAI entry: the names of semantic-conventions 1.45 (what backends read today);
 * - `gen_ai_latest_experimental`: the newest names only (token counters, `gen_ai.client.inference.*`);
 * - `gen_ai_latest_experimental/dup`: both, for a migration window (spans carry both attribute
 *   names where they differ, and both metric sets are recorded).
 *
 * e.g. `OTEL_SEMCONV_STABILITY_OPT_IN=http,gen_ai_latest_experimental/dup`.
 * https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/README.md
 */
import { SemconvStability, semconvStabilityFromStr } from '@opentelemetry/instrumentation';
import { SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL, selectProfiles, type SemconvSelection } from '@tokenpath/semconv';

export function semconvFromEnv(optIn: string | undefined): SemconvSelection {
  const stability = semconvStabilityFromStr(SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL, optIn);
  return selectProfiles(
    stability === SemconvStability.DUPLICATE ? 'duplicate' : stability === SemconvStability.STABLE ? 'latest' : 'default',
  );
}
