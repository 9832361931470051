// The worker of app.cjs: one OpenAI chat, its usage posted to the main thread.
const { parentPort } = require('node:worker_threads');
const OpenAI = require('openai');

new OpenAI({ maxRetries: 0 }).chat.completions
  .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'tokens from the worker' }] })
  .then((chat) => parentPort.postMessage(chat.usage));
