/**
 * Remote-mode settings resolved from the Config once the port is known: the public URL (and the
 * canonical resource tokens are bound to), the Host/Origin allow-lists, the upstream sign-in.
 */
import { isLoopbackHost } from '../auth/redirects.js';
import type { Config } from '../config/load.js';

import { StartupError } from '../platform/errors.js';

export interface RemoteSettings {
  readonly publicUrl: URL;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly upstream:
    | {
        readonly issuer: string;
        readonly clientId: string;
        readonly clientSecret?: string;
        readonly scopes?: string;
      }
    | undefined;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function resolveSettings(config: Config, boundPort: number): RemoteSettings {
  const publicUrl = new URL(config.publicUrl ?? `http://${urlHost(config.httpHost)}:${boundPort}`);
  // The SDK refuses a plain-http issuer except on loopback, and so do we, with a clearer message.
  if (publicUrl.protocol !== 'https:' && !isLoopbackHost(publicUrl.hostname)) {
    throw new StartupError(
      `G8_PUBLIC_URL must be https (got ${publicUrl.origin}); put the server behind TLS — see "Remote mode" in the README.`,
    );
  }
  const allowedHosts = config.allowedHosts?.length
    ? config.allowedHosts.map((h) => h.toLowerCase())
    : [...new Set([publicUrl.hostname, 'localhost', '127.0.0.1', '[::1]'])];
  const allowedOrigins = config.allowedOrigins?.length ? config.allowedOrigins : [publicUrl.origin];
  let upstream: RemoteSettings['upstream'];
  if (config.oauthIssuer) {
    const issuer = new URL(config.oauthIssuer);
    if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname)) {
      throw new StartupError(
        'G8_OAUTH_ISSUER must be https (plain http only for a sandbox on a loopback host).',
      );
    }
    if (!config.oauthClientId) {
      throw new StartupError(
        'G8_OAUTH_ISSUER is set but G8_OAUTH_CLIENT_ID is not: both are needed for "Sign in with graph8".',
      );
    }
    upstream = {
      issuer: config.oauthIssuer,
      clientId: config.oauthClientId,
      ...(config.oauthClientSecret ? { clientSecret: config.oauthClientSecret } : {}),
      ...(config.oauthScopes ? { scopes: config.oauthScopes } : {}),
    };
  }
  return { publicUrl: new URL(publicUrl.origin), allowedHosts, allowedOrigins, upstream };
}
