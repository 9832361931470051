// The bedrock part of the stand-in: not implemented yet (claims no request).

/** @type {import('./server.mjs').Provider} */
export const bedrock = {
  name: 'bedrock',
  match: () => null,
};
