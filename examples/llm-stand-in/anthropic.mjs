// The anthropic part of the stand-in: not implemented yet (claims no request).

/** @type {import('./server.mjs').Provider} */
export const anthropic = {
  name: 'anthropic',
  match: () => null,
};
