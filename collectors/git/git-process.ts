// Runs git. Node's child_process is used directly, as the build runner does:
// collecting a clone takes a dozen short git runs, and execa's promise and
// stream machinery cost as much CPU as starting git itself (a `git rev-parse`
// took 12.7 ms of the collector's CPU through execa and 6.1 ms through
// child_process), besides the time to load it on every `collect git`.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface GitOptions {
  cwd: string;
  /** Written to git's stdin, which is then closed; without it stdin is closed from the start. */
  input?: string | Buffer;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Stops git (SIGTERM) when aborted; the caller then throws the signal's reason. */
  signal?: AbortSignal | undefined;
}

export interface GitEnd {
  /** git's exit code; null when it could not start or was stopped by a signal. */
  exitCode: number | null;
  /** git's stderr, with the reason appended when git could not start. */
  stderr: string;
}

export interface GitResult extends GitEnd {
  stdout: Buffer;
}

export interface GitStream {
  /** git's output as a stream (runGit reads it whole; a streaming reader takes chunks()). */
  stdout: Readable;
  /**
   * git's output, chunk by chunk. A reader that stops early (an error, or a
   * consumer that returns) stops git; git that has written everything is left
   * to exit by itself, with its own status.
   */
  chunks(): AsyncGenerator<Buffer>;
  /** Settles once git has exited and its streams are closed; never rejects. */
  done: Promise<GitEnd>;
}

/** Starts git with its stdout as a stream. */
export function startGit(args: readonly string[], options: GitOptions): GitStream {
  const child = spawn('git', args, {
    cwd: options.cwd,
    env: options.env ? { ...process.env, ...options.env } : process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // piped above, so never null
  const stdout = child.stdout as Readable;
  const stderr: Buffer[] = [];
  // a failing pipe shows in git's exit status; without a listener its error would end the process
  (child.stderr as Readable).on('data', (chunk: Buffer) => stderr.push(chunk)).on('error', () => {});
  let startError: Error | null = null;
  const done = new Promise<GitEnd>((resolve) => {
    // a failed start (git missing) or an abort: 'close' follows
    child.on('error', (error) => {
      startError ??= error;
    });
    child.on('close', (code) => {
      const text = Buffer.concat(stderr).toString('utf8');
      const exitCode = code === null || code < 0 ? null : code;
      resolve({
        exitCode,
        stderr: startError && exitCode === null ? `${text}${text ? '\n' : ''}${startError.message}` : text,
      });
    });
  });
  if (options.input !== undefined && child.stdin) {
    // git may exit before reading all of its input (a failure): that is reported by its exit code
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  }
  return {
    stdout,
    async *chunks() {
      let readAll = false;
      try {
        for await (const chunk of stdout as AsyncIterable<Buffer>) yield chunk;
        readAll = true;
      } finally {
        if (!readAll && child.exitCode === null && child.signalCode === null) child.kill();
      }
    },
    done,
  };
}

/** Runs git to its end and returns its whole output. */
export async function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const git = startGit(args, options);
  const stdout: Buffer[] = [];
  git.stdout.on('data', (chunk: Buffer) => stdout.push(chunk)).on('error', () => {});
  const end = await git.done;
  return { ...end, stdout: Buffer.concat(stdout) };
}
