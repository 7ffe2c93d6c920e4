/**
 * Two replicas for the shared-state tests: fresh engines (a database and a Redis prefix of their
 * own), a stack (sandbox, recording proxy, server A) and a second server B on the same engines and
 * public URL, as two replicas behind one balancer.
 */
import type { RemoteOverrides, RemoteServer } from '../../src/remote/server.js';
import { type Engines, freshEngines } from './engines.js';
import { type Stack, startStack } from './http-stack.js';

export interface Replicas {
  readonly engines: Engines;
  readonly stack: Stack;
  readonly a: RemoteServer;
  readonly b: RemoteServer;
  close(): Promise<void>;
}

/** `upstream`: with "Sign in with graph8" (the sandbox's OAuth, through the proxy). */
export async function startReplicas(
  env: Record<string, string>,
  overrides?: RemoteOverrides,
  { upstream = false } = {},
): Promise<Replicas> {
  const engines = await freshEngines();
  const stack = await startStack({
    env: { ...engines.env, G8_DISCOVERY: 'off', ...env },
    noUpstream: !upstream,
    ...(overrides ? { overrides } : {}),
  });
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
