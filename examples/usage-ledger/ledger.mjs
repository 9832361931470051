// A JSONL usage ledger: one line per finished LLM call, from tokenpath's `onUsage` hook.
//
//   const ledger = jsonlLedger('usage-ledger.jsonl');
//   new LlmInstrumentation({ onUsage: ledger.onUsage });
//   ...
//   await ledger.close();   // at shutdown: every line written
//
// The hook only queues a write (no blocking I/O on the call's path); a failing disk is the ledger's problem,
// reported on stderr once, never the app's.
import { createWriteStream } from 'node:fs';

export function jsonlLedger(path) {
  const out = createWriteStream(path, { flags: 'a' });
  let failed = false;
  out.on('error', (error) => {
    if (!failed) console.error(`usage-ledger: cannot write ${path}:`, error.message);
    failed = true;
  });
  return {
    onUsage(record) {
      if (!failed) out.write(`${JSON.stringify(record)}\n`);
    },
    close: () => new Promise((resolve) => out.end(resolve)),
  };
}
