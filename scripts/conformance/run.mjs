#!/usr/bin/env node
// Runs the official MCP conformance suite's server scenarios against a running MCP server over HTTP.
//
//   node scripts/conformance/run.mjs --url http://127.0.0.1:3000/mcp
//   node scripts/conformance/run.mjs --serve 'node dist/conformance/test/conformance/fixture-remote.js'
//       (starts it, reads its URL; `npm run conformance`, scripts/conformance/ci.mjs, runs both profiles this way)
//
// Options:
//   --url URL              the MCP endpoint (Streamable HTTP)
//   --serve CMD            start CMD (through sh) first; its stdout must print the endpoint URL (…/mcp) within
//                          30 s unless --url is given too. It is stopped when the run ends.
//   --era E                2025 | 2026 | extension | all (default all). 2025 means the legs 2025-03-26,
//                          2025-06-18 and 2025-11-25; extension means the off-timeline scenarios (tasks, skills).
//   --spec-version V[,V]   run exactly these legs instead of an era (a dated revision or `extension`)
//   --scenario S[,S]       only these scenarios (a trailing * matches a prefix: input-required-result-*)
//   --exclude S[,S]        not these (same patterns): --exclude 'tasks-*'
//   --profile P            fixture (default): every scenario, for a server with the conformance fixtures;
//                          product: only the scenarios that need no fixture (see scenarios.mjs)
//   --pending S[,S]        report these as pending too (never fail the run)
//   --out FILE             JSON results (default test/artifacts/conformance/results.json)
//   --raw-dir DIR          where the suite's own checks.json files and logs go (default next to --out)
//   --timeout MS           the suite's per-scenario timeout (default 30000)
//
// Every leg runs each applicable scenario at that protocol revision's wire: a carried-forward scenario such as
// tools-list runs three times (2025-06-18, 2025-11-25, 2026-07-28). The suite comes from the cache that
// scripts/conformance/install.mjs fills (installed on first use) and runs on the Node 24 it holds.
// Exit status: 0 when every non-pending scenario passed, 1 when one failed, 2 on a usage or setup error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureConformance } from './install.mjs';
import { ERAS, SCENARIO_NEEDS, SPEC_VERSIONS } from './scenarios.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function usage(message) {
  process.stderr.write(
    `run.mjs: ${message}\nSee the header of scripts/conformance/run.mjs for the options.\n`,
  );
  process.exit(2);
}

const { values: opt } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        serve: { type: 'string' },
        era: { type: 'string', default: 'all' },
        'spec-version': { type: 'string' },
        scenario: { type: 'string' },
        exclude: { type: 'string' },
        profile: { type: 'string', default: 'fixture' },
        pending: { type: 'string' },
        out: { type: 'string', default: join(repoRoot, 'test', 'artifacts', 'conformance', 'results.json') },
        'raw-dir': { type: 'string' },
        timeout: { type: 'string', default: '30000' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
})();

if (opt.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const end = header.findIndex((l) => l.startsWith('import '));
  process.stdout.write(
    `${header
      .slice(1, end)
      .join('\n')
      .replace(/^\/\/ ?/gm, '')}\n`,
  );
  process.exit(0);
}
if (!opt.url && !opt.serve) usage('--url or --serve is required');
if (!['fixture', 'product'].includes(opt.profile)) usage(`unknown --profile ${opt.profile}`);
const list = (s) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

const legs = opt['spec-version'] ? list(opt['spec-version']) : ERAS[opt.era];
if (!legs) usage(`unknown --era ${opt.era} (2025, 2026, extension, all)`);
for (const leg of legs) {
  if (leg !== 'extension' && !SPEC_VERSIONS.includes(leg)) usage(`unknown spec version ${leg}`);
}
const scenarioPatterns = list(opt.scenario);
const excludePatterns = list(opt.exclude);
const extraPending = new Set(list(opt.pending));
const timeoutMs = Number(opt.timeout);
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) usage('--timeout must be a positive number');

const log = (line) => process.stderr.write(`${line}\n`);

// --- the suite ---
let suite;
try {
  suite = ensureConformance({ log });
} catch (err) {
  log(`conformance install failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

function suiteSync(args) {
  const r = spawnSync(suite.nodeBin, [suite.suiteBin, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`conformance ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Scenario name → the legs it applies at, from `conformance list --server`. */
function listScenarios() {
  const out = suiteSync(['list', '--server']);
  const map = new Map();
  for (const m of out.matchAll(/^\s+- (\S+) \[([^\]]+)\]$/gm)) {
    const tags = m[2].split(',').map((t) => t.trim());
    map.set(m[1], tags.includes('extension') ? ['extension'] : tags);
  }
  if (map.size === 0) throw new Error(`could not read the scenario list:\n${out}`);
  return map;
}

const matchesPattern = (name, p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p);
const matches = (name) =>
  (scenarioPatterns.length === 0 || scenarioPatterns.some((p) => matchesPattern(name, p))) &&
  !excludePatterns.some((p) => matchesPattern(name, p));

function pendingReason(name) {
  if (extraPending.has(name)) return 'marked pending with --pending';
  return SCENARIO_NEEDS[name]?.pending;
}

// --- the server under test ---
let served;
async function startServer(command) {
  log(`starting: ${command}`);
  const child = spawn('sh', ['-c', command], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  served = child;
  if (opt.url) return opt.url;
  return await new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no …/mcp URL on the server's stdout within 30 s`)),
      30_000,
    );
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const m = seen.match(/https?:\/\/\S+\/mcp\b/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before printing its URL`)));
  });
}

function stopServer() {
  if (!served || served.exitCode !== null) return;
  try {
    process.kill(-served.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitReachable(url) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(url, { method: 'GET', signal: AbortSignal.timeout(2000) });
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`${url} is not reachable: ${err instanceof Error ? err.message : err}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

// --- running legs ---
function runSuite(args, logFile, budgetMs) {
  return new Promise((resolveRun) => {
    const child = spawn(suite.nodeBin, [suite.suiteBin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => {
      output += `\n[run.mjs] killed after ${budgetMs} ms\n`;
      child.kill('SIGKILL');
    }, budgetMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      writeFileSync(logFile, output, { flag: 'a' });
      resolveRun(code);
    });
  });
}

/** checks.json files under dir, keyed by scenario (directory names are server-<scenario>-<timestamp>). */
function collect(dir) {
  const found = new Map();
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    const m = entry.match(/^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/);
    const file = join(dir, entry, 'checks.json');
    if (!m || !existsSync(file)) continue;
    try {
      found.set(m[1], JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      found.set(m[1], undefined);
    }
  }
  return found;
}

function summarize(checks) {
  const count = { SUCCESS: 0, FAILURE: 0, WARNING: 0, SKIPPED: 0, INFO: 0 };
  for (const c of checks) count[c.status] = (count[c.status] ?? 0) + 1;
  const result = count.FAILURE > 0 ? 'FAIL' : count.SUCCESS + count.WARNING > 0 ? 'PASS' : 'SKIP';
  return { result, count };
}

async function main() {
  const url = opt.serve ? await startServer(opt.serve) : opt.url;
  await waitReachable(url);
  const scenarios = listScenarios();

  const outFile = resolve(opt.out);
  const rawDir = resolve(opt['raw-dir'] ?? join(dirname(outFile), 'raw'));
  rmSync(rawDir, { recursive: true, force: true });
  mkdirSync(rawDir, { recursive: true });
  log(`conformance ${suite.suiteVersion} on node ${suite.nodeVersion} against ${url}`);

  const started = Date.now();
  const rows = [];
  for (const leg of legs) {
    const wanted = [...scenarios]
      .filter(([name, at]) => at.includes(leg) && matches(name))
      .filter(([name]) => opt.profile === 'fixture' || SCENARIO_NEEDS[name]?.needs === 'none')
      .map(([name]) => name);
    if (wanted.length === 0) continue;
    const legDir = join(rawDir, leg);
    const logFile = join(rawDir, `${leg}.log`);
    const common = ['--url', url, '-o', legDir, '--timeout', String(timeoutMs)];
    const versionArgs = leg === 'extension' ? [] : ['--spec-version', leg];
    const legStart = Date.now();
    const everything =
      leg !== 'extension' && wanted.length === [...scenarios].filter(([, at]) => at.includes(leg)).length;
    if (everything) {
      // One suite process for the whole leg.
      await runSuite(
        ['server', ...common, '--suite', 'all', ...versionArgs],
        logFile,
        (timeoutMs + 10_000) * wanted.length,
      );
    } else {
      for (const name of wanted) {
        await runSuite(
          ['server', ...common, '--scenario', name, ...versionArgs],
          logFile,
          timeoutMs + 30_000,
        );
      }
    }
    const results = collect(legDir);
    for (const name of wanted) {
      const checks = results.get(name);
      const { result, count } = checks ? summarize(checks) : { result: 'FAIL', count: {} };
      const pending = pendingReason(name);
      const failed = (checks ?? []).filter((c) => c.status === 'FAILURE');
      rows.push({
        scenario: name,
        leg,
        result: checks ? result : 'ERROR',
        pending: pending ?? null,
        needs: SCENARIO_NEEDS[name]?.needs ?? 'unknown',
        passed: count.SUCCESS ?? 0,
        failed: count.FAILURE ?? 0,
        warnings: count.WARNING ?? 0,
        skipped: count.SKIPPED ?? 0,
        failures: checks
          ? failed.map((c) => ({ id: c.id, name: c.name, message: c.errorMessage ?? c.description }))
          : [{ id: name, name, message: `no results: see ${logFile}` }],
        // SHOULD-level checks the suite reports without failing the scenario.
        warningChecks: (checks ?? [])
          .filter((c) => c.status === 'WARNING')
          .map((c) => ({ id: c.id, name: c.name, message: c.errorMessage ?? c.description })),
      });
    }
    log(`leg ${leg}: ${wanted.length} scenario(s) in ${((Date.now() - legStart) / 1000).toFixed(1)} s`);
  }
  const seconds = (Date.now() - started) / 1000;

  // --- report ---
  const blocking = rows.filter((r) => !r.pending && (r.result === 'FAIL' || r.result === 'ERROR'));
  const label = (r) => (r.pending ? `${r.result} (pending)` : r.result);
  const header = ['scenario', 'leg', 'result', 'passed', 'failed', 'warn', 'skip'];
  const table = [
    header,
    ...rows.map((r) => [r.scenario, r.leg, label(r), r.passed, r.failed, r.warnings, r.skipped]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  const line = (row) =>
    row
      .map((cell, i) => String(cell).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(table[0]), line(widths.map((w) => '-'.repeat(w))), ...table.slice(1).map(line)];
  process.stdout.write(`${out.join('\n')}\n\n`);
  for (const r of rows.filter((r) => r.result === 'FAIL' || r.result === 'ERROR')) {
    for (const f of r.failures) {
      process.stdout.write(
        `${r.pending ? 'pending ' : ''}failure ${r.scenario} @ ${r.leg}: ${f.name}: ${f.message}\n`,
      );
    }
  }
  const passedRows = rows.filter((r) => !r.pending && (r.result === 'PASS' || r.result === 'SKIP')).length;
  const pendingRows = rows.filter((r) => r.pending).length;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    `${JSON.stringify(
      {
        suite: { version: suite.suiteVersion, node: suite.nodeVersion },
        url,
        profile: opt.profile,
        legs,
        seconds,
        ok: blocking.length === 0,
        counts: {
          runs: rows.length,
          passedOrSkipped: passedRows,
          blockingFailures: blocking.length,
          pending: pendingRows,
        },
        results: rows,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(
    `\n${rows.length} scenario run(s) in ${seconds.toFixed(1)} s: ${passedRows} passed or skipped, ` +
      `${blocking.length} failed, ${pendingRows} pending (not counted). Results: ${outFile}\n`,
  );
  // Plain closing line a CI log reader recognises.
  // (Pending scenario runs count as skipped there, whatever their result.)
  const counted = rows.length - pendingRows;
  process.stdout.write(
    `conformance: ${counted - blocking.length} passed, ${blocking.length} failed, ${pendingRows} skipped\n`,
  );
  return blocking.length === 0 ? 0 : 1;
}

let exitCode = 2;
try {
  exitCode = await main();
} catch (err) {
  log(`run.mjs: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  stopServer();
}
process.exit(exitCode);
