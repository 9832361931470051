// Installs this example as a user's app would be installed, into a directory of its own:
//
//   node examples/datadog/dd-trace/install-app.mjs <dir> [--no-overrides] [--api <version>]
//
// Packs the repository's two packages (`npm pack`, built first by `npm run build`), writes <dir>/package.json from this
// example's with the tarballs in place of the published versions, copies tracer.cjs, programmatic.cjs and the app
// (examples/apps/two-providers.cjs), and runs `npm install --prefer-offline` there (the npm cache of the repository's
// own install serves it; the registry only for what is missing). --no-overrides leaves the overrides out: npm then
// gives dd-trace its own @opentelemetry/api 1.9 and tokenpath 1.10 (two copies). --api <version> forces that version
// on every package instead. Prints the @opentelemetry/api copies it finds, as JSON on stdout.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-overrides': { type: 'boolean', default: false }, api: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node examples/datadog/dd-trace/install-app.mjs <dir> [--no-overrides] [--api <version>]');
  process.exit(2);
}
const dir = positionals[0];
mkdirSync(join(dir, 'packs'), { recursive: true });

/** npm as the caller runs it (npm_execpath under `npm test`), else the one on PATH. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && /npm-cli\.js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const packed = JSON.parse(npm(['pack', '--json', '-w', 'packages/semconv', '-w', 'packages/instrumentation-llm', '--pack-destination', join(dir, 'packs')], root));
const tarball = (name) => `file:${relative(dir, join(dir, 'packs', packed.find((p) => p.name === name).filename))}`;

const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
pkg.dependencies['@tokenpath/instrumentation-llm'] = tarball('@tokenpath/instrumentation-llm');
// A published tokenpath brings @tokenpath/semconv from the registry; here its tarball stands in for it.
pkg.dependencies['@tokenpath/semconv'] = tarball('@tokenpath/semconv');
if (values['no-overrides']) delete pkg.overrides;
if (values.api) pkg.overrides = { '@opentelemetry/api': values.api };
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
for (const file of ['tracer.cjs', 'programmatic.cjs']) copyFileSync(join(here, file), join(dir, file));
copyFileSync(join(root, 'examples', 'apps', 'two-providers.cjs'), join(dir, 'two-providers.cjs'));

npm(['install', '--prefer-offline', '--no-package-lock', '--ignore-scripts'], dir);

/** Every installed copy of @opentelemetry/api: where, which version. */
function apiCopies(modules, found = []) {
  let entries;
  try {
    entries = readdirSync(modules, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const names = entry.name.startsWith('@') ? readdirSync(join(modules, entry.name)).map((n) => join(entry.name, n)) : [entry.name];
    for (const name of names) {
      const pkgDir = join(modules, name);
      if (name === join('@opentelemetry', 'api')) {
        found.push({ path: relative(dir, pkgDir), version: JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version });
      }
      apiCopies(join(pkgDir, 'node_modules'), found);
    }
  }
  return found;
}
process.stdout.write(`${JSON.stringify({ apiCopies: apiCopies(join(dir, 'node_modules')) })}\n`);
