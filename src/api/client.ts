/**
 * The REST client: one keep-alive undici pool per API origin, shared by every credential that
 * calls it (stdio has one key; HTTP mode has one per signed-in user).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpMethod } from '../catalogue/types.js';
import { metrics, routeLabel } from '../ops/metrics.js';
import { tracer } from '../ops/trace.js';
import {
  ApiError,
  apiErrorFromResponse,
  ConnectionError,
  cleanText,
  InvalidResponseError,
  TimeoutError,
} from './errors.js';
import { Pacer, type PacerLimits, type Pacing, PUBLISHED_LIMITS } from './pacer.js';
import { buildPath, buildQuery, type QueryInput } from './path.js';
import { defaultRetryPolicy, type RetryClass, type RetryPolicy, retryDelayMs, shouldRetry } from './retry.js';
import type { Pool } from './undici-pool.js';

export interface ApiLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ApiClientOptions {
  /** Origin such as https://be.graph8.com; `/api/v1` is appended here, once. */
  readonly apiUrl: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
  /** Bodies beyond this are refused rather than buffered (a 10 MB answer is a fault, not data). */
  readonly maxResponseBytes?: number;
  readonly retry?: RetryPolicy;
  readonly logger?: ApiLogger;
  readonly connections?: number;
  /** Client-side pacing per credential; `false` turns it off (the bench's direct baseline). */
  readonly pace?: PacerLimits | false;
  /** Pacing shared with other replicas (Redis) at the `pace` limits, instead of this process's own. */
  readonly pacing?: (limits: PacerLimits) => Pacing;
}

export interface ApiRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly query?: QueryInput;
  readonly body?: unknown;
  readonly retry: RetryClass;
  /** Sent on POSTs of non-read tools; reused by every retry of the same call. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  readonly data: unknown;
  readonly pagination?: unknown;
  readonly requestId?: string;
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export class ApiClient {
  /** undici loads on the first request, not with the client: stdio answers its first messages sooner. */
  #pool: Pool | undefined;
  #opening: Promise<Pool> | undefined;
  readonly #origin: string;
  readonly #prefix: string;
  readonly #opts: ApiClientOptions;
  readonly #pacer: Pacing | undefined;

  constructor(opts: ApiClientOptions) {
    const url = new URL(opts.apiUrl);
    this.#prefix = `${url.pathname.replace(/\/+$/, '')}/api/v1`;
    this.#origin = url.origin;
    this.#opts = opts;
    const limits = opts.pace === false ? undefined : (opts.pace ?? PUBLISHED_LIMITS);
    this.#pacer = limits && (opts.pacing?.(limits) ?? new Pacer(limits));
  }

  static newIdempotencyKey(): string {
    return randomUUID();
  }

  #openPool(): Promise<Pool> {
    this.#opening ??= import('./undici-pool.js').then(({ Pool }) => {
      this.#pool = new Pool(this.#origin, {
        connections: this.#opts.connections ?? 64,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        pipelining: 1,
      });
      return this.#pool;
    });
    return this.#opening;
  }

  async request(req: ApiRequest, apiKey: string): Promise<ApiResponse> {
    const policy = this.#opts.retry ?? defaultRetryPolicy;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(req, apiKey, attempt);
      } catch (error) {
        if (attempt >= policy.maxAttempts || req.signal?.aborted || !shouldRetry(error, req.retry))
          throw error;
        const delay = retryDelayMs(error, attempt, policy);
        metrics.upstreamRetry(routeLabel(req.path), (error as ApiError).status);
        this.#opts.logger?.warn(
          {
            method: req.method,
            path: req.path,
            attempt,
            delay_ms: delay,
            status: (error as ApiError).status,
          },
          'retrying API request',
        );
        await sleep(delay, undefined, req.signal ? { signal: req.signal } : undefined);
      }
    }
  }

  async #once(req: ApiRequest, apiKey: string, attempt: number): Promise<ApiResponse> {
    const release = this.#pacer ? await this.#pacer.take(apiKey, req.signal) : undefined;
    const route = routeLabel(req.path);
    const span = tracer()?.upstream(req.method, route, this.#origin, attempt);
    const started = performance.now();
    let status = 0;
    let requestId: string | undefined;
    let failure: string | undefined;
    try {
      const res = await this.#send(req, apiKey, span?.headers);
      ({ status, requestId } = res);
      return res;
    } catch (error) {
      if (error instanceof ApiError) ({ status, requestId } = error);
      // No status: the error's code (timeout, cancelled, ECONNRESET…) says what happened instead.
      if (!status) failure = (error as ApiError).code ?? 'error';
      throw error;
    } finally {
      release?.();
      metrics.upstream(route, req.method, status, (performance.now() - started) / 1000);
      span?.end(status, requestId, failure);
    }
  }

  async #send(req: ApiRequest, apiKey: string, traceHeaders?: Record<string, string>): Promise<ApiResponse> {
    const path = this.#prefix + buildPath(req.path, req.params) + buildQuery(req.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${apiKey}`,
      accept: 'application/json',
      'user-agent': this.#opts.userAgent,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    if (traceHeaders) Object.assign(headers, traceHeaders);
    const started = performance.now();
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      // undici's own timers bound the wait for headers and each gap in the body: per request they
      // cost a fraction of AbortSignal.timeout + AbortSignal.any (a timer, two signals, a weak ref).
      const pool = this.#pool ?? (await this.#openPool());
      res = await pool.request({
        method: req.method,
        path,
        headers,
        body,
        signal: req.signal,
        headersTimeout: this.#opts.timeoutMs,
        bodyTimeout: this.#opts.timeoutMs,
      });
    } catch (error) {
      throw this.#transportError(error, req);
    }
    const requestId = headerValue(res.headers['x-request-id']);
    this.#pacer?.observe(apiKey, (name) => headerValue(res.headers[name]));
    let text: string;
    try {
      text = await readCapped(
        res.body,
        this.#opts.maxResponseBytes ?? DEFAULT_MAX_BYTES,
        headerValue(res.headers['content-length']),
      );
    } catch (error) {
      if (error instanceof ApiError) throw withRequestId(error, requestId);
      throw this.#transportError(error, req);
    }
    this.#opts.logger?.debug(
      {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        request_id: requestId,
        ms: Math.round(performance.now() - started),
      },
      'API call',
    );
    const contentType = headerValue(res.headers['content-type']) ?? '';
    const json = parseJson(text, contentType);
    if (res.statusCode >= 400) {
      const body = json.ok ? json.value : { detail: nonJsonMessage(res.statusCode, contentType) };
      throw apiErrorFromResponse(res.statusCode, body, {
        requestId,
        retryAfter: headerValue(res.headers['retry-after']),
        retryAfterMs: headerValue(res.headers['retry-after-ms']),
      });
    }
    if (!json.ok) {
      throw new InvalidResponseError({
        status: res.statusCode,
        code: 'invalid_response',
        message: `The API answered ${res.statusCode} with ${contentType ? `a ${contentType.split(';')[0]}` : 'an untyped'} body that is not valid JSON`,
        requestId,
      });
    }
    return unwrap(res.statusCode, json.value, requestId);
  }

  #transportError(error: unknown, req: ApiRequest): ApiError {
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new TimeoutError({
        status: 0,
        code: 'timeout',
        message: `The API did not answer within ${this.#opts.timeoutMs} ms`,
      });
    }
    if (req.signal?.aborted) {
      return new ApiError({ status: 0, code: 'cancelled', message: 'The request was cancelled' });
    }
    return new ConnectionError({
      status: 0,
      code: code ?? 'connection_error',
      message: cleanText(`Could not reach the graph8 API (${code ?? (error as Error).message})`),
    });
  }

  /**
   * Counts a request made outside this client against the credential's pacing (stdio's fast
   * start-up reads GET /me before this client exists): it holds a permit until `answered` settles,
   * as a request of its own would.
   */
  async account(apiKey: string, answered: Promise<unknown>): Promise<void> {
    if (!this.#pacer) return;
    const release = await this.#pacer.take(apiKey);
    void answered.finally(release).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.#opening) await (await this.#opening).close();
  }
}

function withRequestId(error: ApiError, requestId: string | undefined): ApiError {
  return requestId && !error.requestId ? Object.assign(error, { requestId }) : error;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const tooLarge = (max: number) =>
  new InvalidResponseError({
    status: 0,
    code: 'response_too_large',
    message: `The API response exceeded ${Math.round(max / 1024)} KB and was discarded`,
  });

interface Body extends AsyncIterable<Buffer> {
  destroy(): void;
  text(): Promise<string>;
}

async function readCapped(body: Body, max: number, contentLength: string | undefined): Promise<string> {
  // A declared length settles the cap up front, and the body is read in one go.
  if (contentLength !== undefined && /^\d+$/.test(contentLength)) {
    if (Number(contentLength) > max) {
      body.destroy();
      throw tooLarge(max);
    }
    return body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw tooLarge(max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type Json = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string, contentType: string): Json {
  if (text === '') return { ok: true, value: null };
  // A JSON body under a wrong content type is still refused: it is not what the contract promises.
  if (contentType && !/[/+]json\b/i.test(contentType)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function nonJsonMessage(status: number, contentType: string): string {
  const kind = contentType.split(';')[0] || 'non-JSON';
  return `HTTP ${status} from the API (${kind} body, not shown)`;
}

/** The success envelope, or the documented bare exceptions (contract §1.3). */
function unwrap(status: number, body: unknown, requestId: string | undefined): ApiResponse {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body) {
    const env = body as { data: unknown; pagination?: unknown };
    return { status, data: env.data, pagination: env.pagination, requestId };
  }
  return { status, data: body, requestId };
}
