/**
 * Names in tokenpath's own `tokenpath.*` namespace: facts the GenAI conventions have no name for.
 * Kept apart from the `gen_ai.*` names so that no one mistakes them for the conventions'.
 */

/**
 * Where the token counts of a call come from: `provider` when the provider stated usage, `none`
 * when the call ended without it (a stream aborted before its usage came, a host that never
 * reports it). With `none`, no `gen_ai.usage.*` attribute is set: never an estimate.
 */
export const ATTR_TOKENPATH_USAGE_SOURCE = 'tokenpath.usage.source' as const;
/** The provider stated the call's usage. */
export const TOKENPATH_USAGE_SOURCE_VALUE_PROVIDER = 'provider' as const;
/** The call ended without a usage statement. */
export const TOKENPATH_USAGE_SOURCE_VALUE_NONE = 'none' as const;

/**
 * `error.type` of a call the process left unfinished: still in flight when an unhandled stop signal
 * ended the process, or never read to its end when the event loop emptied. The call was sent (and is
 * billed); its usage is unknown.
 */
export const TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT = 'tokenpath.process_exit' as const;
