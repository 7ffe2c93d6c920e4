/**
 * The client side of the OAuth flow, as an MCP client runs it: an in-memory OAuthClientProvider
 * for the SDK's own auth machinery, and a loopback callback server that catches the redirect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

export class TestOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  /** Every token this client ever held, for "never reached upstream" checks. */
  readonly seenTokens: string[] = [];

  constructor(
    readonly redirectUrl: string,
    readonly clientName = 'E2E test client',
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    return 'test-state-123';
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
    this.seenTokens.push(tokens.access_token);
    if (tokens.refresh_token) this.seenTokens.push(tokens.refresh_token);
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }
}

export interface CallbackResult {
  readonly code?: string;
  readonly error?: string;
  readonly state?: string;
  readonly iss?: string;
}

export interface CallbackServer {
  readonly url: string;
  next(): Promise<CallbackResult>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:<random port>/callback, like Claude Code does. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const waiting: ((r: CallbackResult) => void)[] = [];
  const arrived: CallbackResult[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const result: CallbackResult = {
      code: url.searchParams.get('code') ?? undefined,
      error: url.searchParams.get('error') ?? undefined,
      state: url.searchParams.get('state') ?? undefined,
      iss: url.searchParams.get('iss') ?? undefined,
    };
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Done</title><p>Signed in.</p>');
    const waiter = waiting.shift();
    if (waiter) waiter(result);
    else arrived.push(result);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    next: () => {
      const ready = arrived.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
