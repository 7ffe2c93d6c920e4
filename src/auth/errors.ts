/**
 * The OAuth errors this authorization server answers with (RFC 6749 §5.2, RFC 7591 §3.2.2,
 * RFC 6750 §3.1, RFC 8707 §2) plus the two non-standard ones the endpoints use (405, 429).
 * One root class, so an endpoint can tell "refuse with this code" from a bug with one
 * `instanceof`; a subclass per code, so callers can also catch one kind (mcp-auth.ts catches
 * InvalidTokenError). The codes and the wire shape are those of the v1 SDK's errors, unchanged.
 */

export interface OAuthErrorBody {
  error: string;
  error_description: string;
  error_uri?: string;
}

export abstract class OAuthError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    readonly errorUri?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toResponseObject(): OAuthErrorBody {
    const body: OAuthErrorBody = { error: this.code, error_description: this.message };
    if (this.errorUri) body.error_uri = this.errorUri;
    return body;
  }
}

export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
}

export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
}

export class InvalidGrantError extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnsupportedGrantTypeError extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class InvalidScopeError extends OAuthError {
  readonly code = 'invalid_scope';
}

export class ServerError extends OAuthError {
  readonly code = 'server_error';
}

export class InvalidTokenError extends OAuthError {
  readonly code = 'invalid_token';
}

export class MethodNotAllowedError extends OAuthError {
  readonly code = 'method_not_allowed';
}

export class TooManyRequestsError extends OAuthError {
  readonly code = 'too_many_requests';
}

export class InvalidClientMetadataError extends OAuthError {
  readonly code = 'invalid_client_metadata';
}

export class InvalidTargetError extends OAuthError {
  readonly code = 'invalid_target';
}
