// A long-running OpenAI app for the register end-to-end tests: one chat call, then `ready` on stdout, then it
// stays alive (like a server) until a signal ends it. It installs no signal handlers of its own.
const OpenAI = require('openai');

async function main() {
  const client = new OpenAI();
  const chat = await client.chat.completions.create({
    model: process.env.APP_MODEL ?? 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stay alive until you are told to stop' }],
  });
  process.stdout.write(`${JSON.stringify({ results: [chat.usage] })}\nready\n`);
  setInterval(() => {}, 1000);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
