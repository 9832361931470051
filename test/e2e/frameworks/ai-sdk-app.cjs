// The same AI SDK app as ai-sdk-app.mjs, started as CommonJS (`node --require …/register`): `ai` ships ES modules
// only, which a CommonJS app loads with import() (or require(), on Node 22.12 and later).
import('./ai-sdk-app.mjs');
