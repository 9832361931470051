import { ddTraceFindings, ddTraceTracer } from './dd-trace';
import { apiCopyProblem, describeApiCopyProblem, type ApiCopyProblem } from './api-copies';
import { startupWarning } from './startup-warning';

/**
 * Says once, at start-up, what would otherwise fail silently around tokenpath: API copies that
 * cannot see each other's providers, and dd-trace's bridge and LLM plugins. Returns the API copy
 * problem, if any, for the caller to act on. `entry`: the register entry (it starts its own SDK
 * when no providers are registered), or the programmatic constructor.
 */
export function diagnoseHost(entry: 'register' | 'programmatic', env: NodeJS.ProcessEnv = process.env): ApiCopyProblem | undefined {
  const ddTrace = ddTraceTracer() !== undefined;
  const problem = apiCopyProblem();
  if (problem) {
    startupWarning('api-copies', describeApiCopyProblem(problem, { ddTrace }), env);
  }
  if (problem?.kind !== 'own-too-old') {
    for (const finding of ddTraceFindings(env, { bridge: entry === 'register' })) startupWarning(finding.key, finding.message, env);
  }
  return problem;
}
