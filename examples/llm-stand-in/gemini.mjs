// The gemini part of the stand-in: not implemented yet (claims no request).

/** @type {import('./server.mjs').Provider} */
export const gemini = {
  name: 'gemini',
  match: () => null,
};
