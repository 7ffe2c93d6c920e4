/**
 * The fast front of the stdio server. A desktop client spawns the server and waits for the answer
 * to `initialize`, then to `tools/list`; loading the real server (the SDK, zod, undici, pino and
 * the 55 tool specs) takes several times Node's own start-up. So this front answers those two,
 * and the lists clients ask for next, from the catalogue generated at build time, and loads the
 * real server and hands the session over when the client asks for something else:
 *
 * - it reads stdin line by line and keeps every line in order;
 * - `initialize` (in a plain shape, see messages.ts) is answered at once, and kept: the real server
 *   receives it first, so it learns the client's capabilities (e.g. elicitation) exactly as
 *   before, and its own answer to it is dropped;
 * - `tools/list` after that is answered from the catalogue: the selection, the scope filter (GET
 *   /me, read here with node:http and handed over so the real server does not read it twice) and
 *   the discovery core set, as buildServer lists them;
 * - so are `ping`, `resources/list`, `resources/templates/list` and `prompts/list` in their plain
 *   shape (messages.ts, FIXED): their answers are the same for every session, kept at build time
 *   as buildServer gave them. Desktop clients send them right after `initialize`;
 * - any other line goes to the real server, and so does every line after it (order is kept);
 * - the real server is loaded only when a line needs it, not ahead of time: a client keeps a
 *   stdio server spawned for its whole session whether or not it calls a tool, and the real
 *   server costs ~15 MB of RSS (~46 MB before it loads, ~61 MB after, bench `--only stdio`). The
 *   line that needs it — usually the first `tools/call` — waits for the load once (~110–150 ms
 *   on the bench machine);
 * - hand-over: the lines the real server has to see are written ahead of stdin into its transport,
 *   and from then on stdin flows to it directly. A `tools/list` still waiting for /me at that
 *   moment, or whose /me failed, is left to the real server too.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ExposedTool } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import type { Identity } from '../mcp/identity.js';
import { type FastCatalogue, fastToolList, type LightSpec } from './catalogue.js';
import type { MeRequest } from './me.js';
import {
  certainFixed,
  certainInitialize,
  certainToolsList,
  isInitializedNotification,
  parseLine,
  type RequestId,
  resultLine,
} from './messages.js';

/** What the real server takes over. */
export interface Handover {
  /** stdin as the real server's transport reads it: the kept lines first, then the live stream. */
  readonly input: Readable;
  /** The `initialize` already answered; the real server's answer to it is not sent again. */
  readonly answeredInitialize?: RequestId;
  /** GET /me as read by the front (undefined: not read, or not usable). */
  readonly identity?: Promise<Identity | undefined>;
}

export interface FrontOptions {
  readonly catalogue: FastCatalogue;
  readonly mode: Mode;
  readonly tools: readonly ExposedTool<LightSpec>[];
  readonly core: readonly string[];
  readonly discovery: boolean;
  /** GET /me settings, when the tool list follows the key's scopes; undefined: scope filter off. */
  readonly me?: MeRequest;
  readonly readMe: (req: MeRequest) => Promise<Identity | undefined>;
  /** Loads the real server; resolves to the function that starts it on a hand-over. */
  readonly load: () => Promise<(handover: Handover) => Promise<void>>;
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
}

/** A line longer than this is not one the front answers: the real server reads it. */
const MAX_LINE = 256 * 1024;

interface Line {
  readonly raw: Buffer;
  /** Whether the real server must see it at the hand-over. */
  replay: boolean;
}

export function startFront(opts: FrontOptions): Promise<void> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const core = new Set(opts.core);
  const lines: Line[] = [];
  let partial: Buffer | undefined;
  let initialize: RequestId | undefined;
  /** A line only the real server can answer has come: it answers every line from there on. */
  let deferred = false;
  let me: Promise<Identity | undefined> | undefined;
  let handedOver = false;
  let loading: Promise<void> | undefined;
  let done: (error?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = (error) => (error ? reject(error) : resolve());
  });

  const listFor = (identity: Identity | undefined) =>
    fastToolList(opts.catalogue, {
      mode: opts.mode,
      tools: opts.tools,
      discovery: opts.discovery,
      core,
      ...(identity ? { identity } : {}),
    });

  function answerInitialize(id: RequestId, requested: unknown): void {
    const { latest, supported } = opts.catalogue.protocolVersions;
    const body = opts.discovery ? opts.catalogue.initialize.discovery : opts.catalogue.initialize.plain;
    // As the SDK's Server negotiates: the client's version if supported, else the latest.
    const protocolVersion =
      typeof requested === 'string' && supported.includes(requested) ? requested : latest;
    stdout.write(resultLine(id, { protocolVersion, ...body }));
  }

  function answerList(line: Line, id: RequestId): void {
    if (!opts.me) {
      line.replay = false;
      stdout.write(resultLine(id, { tools: listFor(undefined) }));
      return;
    }
    // line.replay stays true until answered: at a hand-over before /me is read, the real server answers it.
    void (me ?? Promise.resolve(undefined)).then((identity) => {
      if (handedOver) return;
      if (!identity) {
        deferred = true;
        load();
        return;
      }
      line.replay = false;
      stdout.write(resultLine(id, { tools: listFor(identity) }));
    });
  }

  function onLine(raw: Buffer): void {
    const line: Line = { raw, replay: true };
    lines.push(line);
    if (deferred) return;
    const msg = raw.length <= MAX_LINE ? parseLine(raw.toString('utf8', 0, raw.length - 1)) : undefined;
    if (isInitializedNotification(msg)) return; // nothing to answer; the real server sees it later
    const init = initialize === undefined ? certainInitialize(msg) : undefined;
    if (init) {
      initialize = init.id;
      answerInitialize(init.id, init.params?.protocolVersion);
      if (opts.me) me = opts.readMe(opts.me).catch(() => undefined);
      return;
    }
    if (initialize !== undefined) {
      const list = certainToolsList(msg);
      if (list) {
        answerList(line, list.id);
        return;
      }
      const fixed = certainFixed(msg);
      const result = fixed && opts.catalogue.fixed?.[fixed.method];
      if (fixed && result !== undefined) {
        line.replay = false;
        stdout.write(resultLine(fixed.id, result));
        return;
      }
    }
    deferred = true;
    load();
  }

  function onData(chunk: Buffer): void {
    partial = partial ? Buffer.concat([partial, chunk]) : chunk;
    for (let i = partial.indexOf(10); i !== -1; i = partial.indexOf(10)) {
      const raw = partial.subarray(0, i + 1);
      partial = partial.subarray(i + 1);
      onLine(raw);
    }
    if (!partial.length) partial = undefined;
    else if (partial.length > MAX_LINE && !deferred) {
      deferred = true;
      load();
    }
  }

  // Until the hand-over, the front is the server: the client closing stdin, or a signal, ends it
  // as runStdio would (there is nothing to close yet).
  const onEnd = () => process.exit(0);
  const onSignal = () => process.exit(0);
  const onError = () => {};

  function handOver(start: (handover: Handover) => Promise<void>): Promise<void> {
    handedOver = true;
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onError);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const input = new PassThrough();
    const kept = lines.filter((l) => l.replay).map((l) => l.raw);
    if (partial) kept.push(partial);
    lines.length = 0;
    if (kept.length) input.write(Buffer.concat(kept));
    stdin.pipe(input);
    return start({
      input,
      ...(initialize !== undefined ? { answeredInitialize: initialize } : {}),
      ...(me ? { identity: me } : {}),
    });
  }

  function load(): void {
    if (loading) return;
    // After the current answer is written: loading blocks the event loop for a while.
    loading = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => opts.load())
      .then(handOver)
      .then(() => done(), done);
  }

  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.on('error', onError);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return finished;
}
