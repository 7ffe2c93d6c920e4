#!/usr/bin/env node
// Installs the official MCP conformance suite and the Node it needs into a cache folder, idempotently.
//
// The suite (@modelcontextprotocol/conformance) needs Node >= 22 while this project runs on Node 20, so both
// come from the npm registry into one folder outside the repo: the `node` npm package ships a node binary in
// node_modules/node/bin. Nothing here reads stdin, so it runs as-is in CI (CI=true, no terminal).
//
//   node scripts/conformance/install.mjs            install if needed, print where
//   node scripts/conformance/install.mjs --json     the same, the last line is the description as JSON
//   node scripts/conformance/install.mjs --force    reinstall even when the cache already matches
//
// Environment:
//   G8_CONFORMANCE_CACHE    the folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/g8-mcp-server/conformance)
//   G8_CONFORMANCE_VERSION  the suite's version (default below; `latest` is an older 0.1.x line, so pin)
//   G8_CONFORMANCE_NODE     the `node` package's version range (default 24)
//
// Other scripts import `ensureConformance()` from this file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_SUITE_VERSION = '0.2.0-alpha.12';
export const DEFAULT_NODE_RANGE = '24';

export function cacheDir(env = process.env) {
  if (env.G8_CONFORMANCE_CACHE) return resolve(env.G8_CONFORMANCE_CACHE);
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'g8-mcp-server', 'conformance');
}

function wanted(env = process.env) {
  return {
    suite: env.G8_CONFORMANCE_VERSION || DEFAULT_SUITE_VERSION,
    node: env.G8_CONFORMANCE_NODE || DEFAULT_NODE_RANGE,
  };
}

function paths(dir) {
  return {
    dir,
    manifest: join(dir, 'package.json'),
    nodeBin: join(dir, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node'),
    suitePackage: join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json'),
    suiteBin: join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
    stamp: join(dir, 'installed.json'),
  };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function nodeVersionOf(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function majorMatches(version, range) {
  // The range is a major ("24") or an exact version ("24.21.0"); anything else is left to npm.
  const v = version?.replace(/^v/, '');
  if (!v) return false;
  if (/^\d+$/.test(range)) return v.split('.')[0] === range;
  if (/^\d+\.\d+\.\d+$/.test(range)) return v === range;
  return true;
}

/** What is in the cache now, or undefined when it does not match what is wanted. */
function currentInstall(p, want) {
  const suite = readJson(p.suitePackage)?.version;
  if (suite !== want.suite || !existsSync(p.suiteBin)) return undefined;
  const node = nodeVersionOf(p.nodeBin);
  if (!node || !majorMatches(node, want.node)) return undefined;
  if (Number(node.replace(/^v/, '').split('.')[0]) < 22) return undefined;
  return { dir: p.dir, nodeBin: p.nodeBin, nodeVersion: node, suiteBin: p.suiteBin, suiteVersion: suite };
}

function npm(args, cwd, log) {
  const npmCli =
    process.env.npm_execpath && /npm-cli\.c?js$/.test(process.env.npm_execpath)
      ? process.env.npm_execpath
      : undefined;
  const [cmd, argv] = npmCli
    ? [process.execPath, [npmCli, ...args]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', args];
  log(`$ npm ${args.join(' ')}  (in ${cwd})`);
  const r = spawnSync(cmd, argv, {
    cwd,
    stdio: ['ignore', 2, 2],
    // stdout of this script is for the result; npm's chatter goes to stderr.
    env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`npm ${args[0]} exited with ${r.status}`);
}

/**
 * Makes sure the cache holds the wanted suite and Node; returns where they are.
 * @param {{ force?: boolean, log?: (line: string) => void, env?: NodeJS.ProcessEnv }} [options]
 */
export function ensureConformance(options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const want = wanted(env);
  const p = paths(cacheDir(env));

  if (!options.force) {
    const have = currentInstall(p, want);
    if (have) return { ...have, installed: false };
  }

  mkdirSync(p.dir, { recursive: true });
  // A manifest of our own makes the folder a project npm installs into (it never walks up to a parent's
  // package.json), and allowScripts lets the `node` package's preinstall fetch its platform binary package.
  const manifest = {
    name: 'g8-mcp-server-conformance-cache',
    private: true,
    description: 'Written by g8-mcp-server scripts/conformance/install.mjs; safe to delete.',
    dependencies: { node: want.node, '@modelcontextprotocol/conformance': want.suite },
    allowScripts: { node: true },
  };
  writeFileSync(p.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing node@${want.node} and @modelcontextprotocol/conformance@${want.suite} into ${p.dir}`);
  npm(['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'], p.dir, log);

  // Should the preinstall have been skipped, run it by hand: it installs the platform's node binary package.
  if (!nodeVersionOf(p.nodeBin)) {
    const setup = join(p.dir, 'node_modules', 'node', 'installArchSpecificPackage.js');
    if (existsSync(setup)) {
      log('the node package has no binary yet; running its installer');
      const r = spawnSync(process.execPath, [setup], {
        cwd: join(p.dir, 'node_modules', 'node'),
        stdio: ['ignore', 2, 2],
      });
      if (r.status !== 0) throw new Error('the node package installer failed');
    }
  }

  const have = currentInstall(p, want);
  if (!have) {
    throw new Error(
      `install finished but the cache does not hold node ${want.node} and the suite ${want.suite} ` +
        `(node: ${nodeVersionOf(p.nodeBin) ?? 'missing'}, suite: ${readJson(p.suitePackage)?.version ?? 'missing'})`,
    );
  }
  writeFileSync(p.stamp, `${JSON.stringify({ ...have, at: new Date().toISOString() }, null, 2)}\n`);
  return { ...have, installed: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  try {
    const r = ensureConformance({ force: args.has('--force') });
    const verb = r.installed ? 'installed' : 'already installed';
    process.stdout.write(
      `conformance suite ${r.suiteVersion} ${verb} in ${r.dir}\n` +
        `  node ${r.nodeVersion}: ${r.nodeBin}\n` +
        `  suite: ${r.suiteBin}\n`,
    );
    if (args.has('--json')) process.stdout.write(`${JSON.stringify(r)}\n`);
  } catch (err) {
    process.stderr.write(`conformance install failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
