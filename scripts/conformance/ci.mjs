#!/usr/bin/env node
// `npm run conformance`: the official MCP conformance suite against the product's own remote-mode stack, in one
// command, as CI runs it (.ci/run). Two runs of scripts/conformance/run.mjs, side by side:
//
//   product  the product itself (test/conformance/fixture-remote.ts --product), the scenarios that need no
//            fixture (--profile product);
//   fixture  the conformance fixture server served by the same stack (fixture-remote.ts: same transports, auth,
//            stores), every scenario, the tasks extension's included (two pending, see SCENARIOS.md).
//
// Both entries sit behind test/conformance/auth-proxy.ts, which adds the sandbox's demo API key (the suite cannot
// send one). First compiles test/conformance/tsconfig.json (the entries and the src/ they import) into
// dist/conformance and installs the suite if its cache lacks it (install.mjs, from the npm registry). Prints one table (scenario × revision, product and fixture columns), writes
// test/artifacts/conformance/{product,fixture}/results.json, and exits 1 when a non-pending scenario failed in
// either run (2 on a setup error).
//
// Options:
//   --only product|fixture   one of the two runs
//   --era E, --scenario S[,S], --timeout MS   passed to both runs (see run.mjs)
//   --serial                 one run after the other (default: both at once, each against its own server)
//   --no-build               skip the tsc step (dist/conformance is current)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureConformance } from './install.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const artifacts = join(repoRoot, 'test', 'artifacts', 'conformance');
const entry = 'node dist/conformance/test/conformance/fixture-remote.js';

function usage(message) {
  process.stderr.write(`ci.mjs: ${message}\nSee the header of scripts/conformance/ci.mjs for the options.\n`);
  process.exit(2);
}

const { values: opt } = (() => {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        era: { type: 'string' },
        scenario: { type: 'string' },
        timeout: { type: 'string' },
        serial: { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
})();

const RUNS = {
  product: ['--profile', 'product', '--serve', `${entry} --product`],
  fixture: ['--profile', 'fixture', '--serve', entry],
};
const names = opt.only ? [opt.only] : Object.keys(RUNS);
if (!names.every((n) => n in RUNS)) usage(`unknown --only ${opt.only} (product, fixture)`);
const passed = [
  ...(opt.era ? ['--era', opt.era] : []),
  ...(opt.scenario ? ['--scenario', opt.scenario] : []),
  ...(opt.timeout ? ['--timeout', opt.timeout] : []),
];
const log = (line) => process.stderr.write(`${line}\n`);
const started = Date.now();

if (!opt['no-build']) {
  log('conformance: compiling test/conformance/tsconfig.json into dist/conformance');
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join('test', 'conformance', 'tsconfig.json')], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    log('conformance: the build failed');
    process.exit(2);
  }
}

// Once, before the two runs: each would otherwise install into the same cache folder at the same time.
try {
  ensureConformance({ log });
} catch (err) {
  log(`conformance install failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

/** One run.mjs; its own table and log go to <artifacts>/<name>/run.log, progress lines to stderr. */
function run(name) {
  const dir = join(artifacts, name);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'results.json');
  const logFile = join(dir, 'run.log');
  const args = [join(here, 'run.mjs'), ...RUNS[name], ...passed, '--out', out];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(logFile);
    child.stdout.pipe(file);
    let partial = '';
    child.stderr.on('data', (chunk) => {
      file.write(chunk);
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) log(`[${name}] ${line}`);
    });
    child.on('close', (code) => {
      file.end();
      let results;
      try {
        results = existsSync(out) && code !== 2 ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
      } catch {
        results = undefined;
      }
      done({ name, code, results, logFile });
    });
  });
}

const outcomes = opt.serial
  ? await names.reduce(async (acc, n) => [...(await acc), await run(n)], Promise.resolve([]))
  : await Promise.all(names.map(run));
const byName = Object.fromEntries(outcomes.map((o) => [o.name, o]));

// --- the combined table: one row per scenario and revision ---
const legOrder = ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28', 'extension'];
const rows = new Map();
for (const o of outcomes) {
  for (const r of o.results?.results ?? []) {
    const key = `${r.scenario}\u0000${r.leg}`;
    const row = rows.get(key) ?? { scenario: r.scenario, leg: r.leg, needs: r.needs };
    row[o.name] = r;
    rows.set(key, row);
  }
}
const sorted = [...rows.values()].sort(
  (a, b) => legOrder.indexOf(a.leg) - legOrder.indexOf(b.leg) || a.scenario.localeCompare(b.scenario),
);
const cell = (r) => {
  if (!r) return '-';
  const extra = [r.warnings && `${r.warnings} warn`, r.skipped && `${r.skipped} skip`].filter(Boolean);
  const checks = `${r.passed}/${r.passed + r.failed + r.warnings}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  return `${r.result}${r.pending ? ' (pending)' : ''} ${checks}`;
};
const header = ['scenario', 'revision', 'needs', ...names];
const table = [header, ...sorted.map((r) => [r.scenario, r.leg, r.needs, ...names.map((n) => cell(r[n]))])];
const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const line = (row) =>
  row
    .map((c, i) => String(c).padEnd(widths[i]))
    .join('  ')
    .trimEnd();
process.stdout.write(
  `${[line(table[0]), line(widths.map((w) => '-'.repeat(w))), ...table.slice(1).map(line)].join('\n')}\n\n`,
);
process.stdout.write(
  '(checks passed/checked, warnings are SHOULDs; "-": not run there, it needs a fixture; tasks-*: pending, not run)\n',
);

let blocking = 0;
let setupError = false;
for (const name of names) {
  const o = byName[name];
  if (!o.results) {
    setupError = true;
    process.stdout.write(`${name}: no results (run.mjs exited ${o.code}); see ${o.logFile}\n`);
    continue;
  }
  const bad = o.results.results.filter((r) => !r.pending && (r.result === 'FAIL' || r.result === 'ERROR'));
  blocking += bad.length;
  for (const r of bad) {
    for (const f of r.failures) {
      process.stdout.write(`${name} failure ${r.scenario} @ ${r.leg}: ${f.name}: ${f.message}\n`);
    }
  }
  for (const r of o.results.results) {
    for (const w of r.warningChecks ?? []) {
      process.stdout.write(`${name} warning ${r.scenario} @ ${r.leg}: ${w.name}: ${w.message}\n`);
    }
  }
  const c = o.results.counts;
  process.stdout.write(
    `${name}: ${c.runs} run(s) in ${o.results.seconds.toFixed(1)} s, ${c.passedOrSkipped} passed or skipped, ` +
      `${c.blockingFailures} failed, ${c.pending} pending; ${join(dirname(o.logFile), 'results.json')}\n`,
  );
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `conformance: ${setupError ? 'setup error' : blocking ? `${blocking} failed` : 'all passed'} in ${seconds} s\n`,
);
process.exit(setupError ? 2 : blocking ? 1 : 0);
