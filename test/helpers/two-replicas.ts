/**
 * Two in-process replicas of remote mode on this run's PostgreSQL database and Redis prefix, with
 * one public URL (as behind a balancer), in front of the sandbox: for tests of shared state that
 * drive each replica directly.
 */
import type { RemoteServer } from '../../src/remote/server.js';
import { type Engines, freshEngines } from './engines.js';
import { type Stack, startStack } from './http-stack.js';

export interface TwoReplicas {
  readonly engines: Engines;
  readonly stack: Stack;
  readonly a: RemoteServer;
  readonly b: RemoteServer;
  close(): Promise<void>;
}

/** `env` goes over the engines' settings (e.g. a Redis URL through a relay the test controls). */
export async function startTwoReplicas(env: Record<string, string> = {}): Promise<TwoReplicas> {
  const engines = await freshEngines();
  const stack = await startStack({ env: { ...engines.env, ...env }, noUpstream: true });
  const a = stack.remote;
  const b = await stack.restart({ G8_PUBLIC_URL: a.publicUrl });
  return {
    engines,
    stack,
    a,
    b,
    async close() {
      await stack.close();
      await engines.drop();
    },
  };
}
