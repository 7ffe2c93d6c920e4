/**
 * undici's `Pool`, without undici's index: the index loads all of undici (fetch, WebSocket,
 * caches, mocks, proxies: ~1 MB of source, ~8 MB of RSS) where the REST client uses this one
 * class. This is what the index does for Pool: attach the request API to every dispatcher.
 * (The full undici still loads, on first use, where fetch is needed: src/auth/cimd.ts.) The
 * modules are undici's own files (types: undici-internals.d.ts); every test of the REST client
 * fails at once should a future undici move them.
 */
import type { Pool as PoolType } from 'undici';
import api from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import UndiciPool from 'undici/lib/dispatcher/pool.js';

Object.assign(Dispatcher.prototype, api);

export const Pool: typeof PoolType = UndiciPool;
export type Pool = PoolType;
