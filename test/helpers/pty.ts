/**
 * Runs the built `g8` binary as a user would: with plain pipes (a script), or with a
 * pseudo-terminal on stdin and stderr (and optionally stdout), answering a prompt when it appears.
 * node-pty has no prebuilt here, so Python's pty module does the terminal: the child sees real
 * TTYs, exactly as under a user's shell.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const G8_BIN = fileURLToPath(new URL('../../dist/src/entry/g8.js', import.meta.url));

export interface PipeResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `g8 …args` with pipes and only the given environment (plus PATH), so nothing from the test
 * runner's own G8_* settings leaks in. Asynchronous on purpose: the sandbox serves from this process.
 */
export function runG8(
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<PipeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [G8_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export interface PtyOptions {
  readonly env: Record<string, string>;
  /** Text that must appear on the terminal before `answer` is typed. */
  readonly waitFor?: string;
  /** Typed into the terminal, e.g. "y\r" (Enter is a carriage return on a terminal). */
  readonly answer?: string;
  /** Also give stdout the terminal (the human view); otherwise stdout is a pipe. */
  readonly stdoutTty?: boolean;
  readonly timeoutMs?: number;
}

export interface PtyResult {
  readonly code: number | null;
  /** Everything written to the terminal (stderr, plus stdout when stdoutTty), escapes stripped. */
  readonly terminal: string;
  /** The terminal text with its escapes, for assertions about the spinner. */
  readonly rawTerminal: string;
  readonly stdout: string;
  readonly answered: boolean;
  readonly timedOut: boolean;
}

const DRIVER = `
import fcntl, json, os, pty, re, select, struct, subprocess, sys, termios, time
cfg = json.loads(sys.argv[1])
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out_target = slave if cfg['stdoutTty'] else subprocess.PIPE
p = subprocess.Popen(cfg['argv'], stdin=slave, stdout=out_target, stderr=slave, env=cfg['env'])
os.close(slave)
term, out = b'', b''
answered, timed_out = False, False
deadline = time.time() + cfg['timeout']
readers = [master] + ([] if cfg['stdoutTty'] else [p.stdout.fileno()])
while readers:
    if time.time() > deadline:
        timed_out = True
        p.kill()
        break
    ready, _, _ = select.select(readers, [], [], 0.05)
    for fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            readers.remove(fd)
        elif fd == master:
            term += data
        else:
            out += data
    if not answered and cfg['answer'] is not None and re.search(re.escape(cfg['waitFor']).encode(), term):
        os.write(master, cfg['answer'].encode())
        answered = True
code = p.wait()
print(json.dumps({'code': code, 'terminal': term.decode('utf8', 'replace'), 'stdout': out.decode('utf8', 'replace'), 'answered': answered, 'timedOut': timed_out}))
`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escapes is the point
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\r/g;

/** `g8 …args` on a pseudo-terminal. */
export function runG8InPty(args: readonly string[], opts: PtyOptions): Promise<PtyResult> {
  const config = {
    argv: [process.execPath, G8_BIN, ...args],
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    waitFor: opts.waitFor ?? '',
    answer: opts.answer ?? null,
    stdoutTty: opts.stdoutTty ?? false,
    timeout: (opts.timeoutMs ?? 20_000) / 1000,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', () => {
      try {
        const raw = JSON.parse(stdout) as Omit<PtyResult, 'rawTerminal'>;
        resolve({ ...raw, rawTerminal: raw.terminal, terminal: raw.terminal.replace(ANSI, '') });
      } catch {
        reject(new Error(`pty driver failed: ${stderr || stdout}`));
      }
    });
  });
}
