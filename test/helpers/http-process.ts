/**
 * The built entry in remote mode (`node dist/src/entry/main.js --http`) as a child process on an
 * ephemeral port; its URL is read from the start-up log line on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { MAIN } from './stdio.js';

export interface RemoteProcess {
  readonly url: string;
  readonly publicUrl: string;
  stderr(): string;
  close(): Promise<void>;
}

/** `bin`: an installed `g8-mcp-server` to run instead of this checkout's build. */
export async function spawnRemote(
  env: Record<string, string>,
  args: string[] = [],
  bin?: string,
): Promise<RemoteProcess> {
  const [command, argv] = bin ? [bin, ['--http', ...args]] : [process.execPath, [MAIN, '--http', ...args]];
  const child: ChildProcess = spawn(command, argv, {
    env: { PATH: process.env.PATH ?? '', G8_HTTP_PORT: '0', G8_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`remote server did not start:\n${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const found = /"url":"([^"]+\/mcp)"/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`remote server exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    publicUrl: new URL('/', url).href,
    stderr: () => stderr,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
