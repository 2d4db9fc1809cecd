// Writing a command's output (--out): every failure is one line and exit code 5, whatever the
// path is (a full device, a file where a folder should be, no permission, a folder removed
// meanwhile, /proc or /sys). The work is asynchronous, so the process keeps answering signals,
// and every file operation has a deadline, so a FIFO nobody reads or a hung mount cannot hold
// the command forever. Files are opened non-blocking: a FIFO nobody reads fails at once (a
// blocked open would also block the process's exit, which waits for libuv's threads). Folders are
// created one level at a time: Node's recursive mkdir loops forever on /proc, where creating a
// folder says ENOENT.
import { constants } from 'node:fs';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, parse, resolve, sep } from 'node:path';

/** Exit code of an output that cannot be written (the README's table). */
export const OUTPUT_EXIT = 5;

/** Longest one file operation may take before the output counts as unwritable. */
export const FILE_DEADLINE_MS = 15_000;

export class OutputError extends Error {
  readonly exitCode = OUTPUT_EXIT;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file would be too large',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'part of the path is a file, not a folder',
  ENOENT: 'a folder on the path does not exist (or was removed)',
  EEXIST: 'something else is already there',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'the path loops through symbolic links',
  EINVAL: 'this file does not take writes like that (a special file?)',
  EIO: 'the device reported an input/output error',
  EBADF: 'the file is not open for writing',
  ENXIO: 'no such device (a FIFO with no reader?)',
  EAGAIN: 'the file would block',
  EPIPE: 'the reader closed the pipe',
  EMFILE: 'too many open files',
};

/** A failed file operation on `path` as an OutputError: what failed, in words, and the error code. */
export function outputError(path: string, e: unknown): OutputError {
  if (e instanceof OutputError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = code && REASONS[code] ? `${REASONS[code]} (${code})` : (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new OutputError(path, reason);
}

/** `op` on `path`, failing as an OutputError when it fails or takes longer than the deadline. */
export async function bounded<T>(path: string, what: string, op: () => Promise<T>, ms = FILE_DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutputError(path, `${what} did not finish within ${ms / 1000} s (a special file or a hung mount?)`)), ms);
  });
  try {
    return await Promise.race([op(), late]);
  } catch (e) {
    throw outputError(path, e);
  } finally {
    clearTimeout(timer);
  }
}

/** Create `dir` and the folders above it that are missing, one level at a time. */
export async function makeFolders(dir: string): Promise<void> {
  const absolute = resolve(dir);
  let at = parse(absolute).root;
  for (const part of absolute.slice(at.length).split(sep).filter(Boolean)) {
    at = join(at, part);
    const here = at;
    const found = await bounded(here, 'looking at the folder', () =>
      stat(here).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e))),
    );
    if (found?.isDirectory()) continue;
    if (found) throw new OutputError(absolute, `${here} is a file, not a folder`);
    await bounded(here, 'creating the folder', () => mkdir(here).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e))));
  }
}

/** An output file opened for writing (created or emptied); each write and the close are bounded. */
export class OutputFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<OutputFile> {
    const absolute = resolve(path);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NONBLOCK;
    const handle = await bounded(absolute, 'opening the file', () => open(absolute, flags, 0o666));
    return new OutputFile(absolute, handle);
  }

  /** Write all of `data` (text as UTF-8): a short write is continued, a full pipe waited on (within the deadline), an error is an OutputError. */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await bounded(this.path, 'writing', async () => {
      for (let done = 0; done < bytes.length;) {
        try {
          done += (await this.handle.write(bytes, done)).bytesWritten;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
  }

  async close(): Promise<void> {
    await bounded(this.path, 'closing the file', () => this.handle.close());
  }

  /** Close without waiting for or reporting anything: the command is failing already. */
  abandon(): void {
    this.handle.close().catch(() => {});
  }
}

/** Write `files` (paths relative to `root`) under `root`, creating folders as needed. */
export async function writeFiles(root: string, files: ReadonlyArray<{ path: string; content: string }>): Promise<void> {
  const base = resolve(root);
  for (const f of files) {
    const path = join(base, f.path);
    await makeFolders(dirname(path));
    const out = await OutputFile.open(path);
    try {
      await out.write(f.content);
    } catch (e) {
      out.abandon();
      throw e;
    }
    await out.close();
  }
}

/**
 * A folder a command will write into later: created now and tried with a small file, so a
 * folder that cannot take files fails before any work rather than after it.
 */
export async function prepareOutputFolder(dir: string): Promise<string> {
  const absolute = resolve(dir);
  await makeFolders(absolute);
  const probe = join(absolute, `.alembic-write-check-${process.pid}`);
  const out = await OutputFile.open(probe);
  try {
    await out.write('ok\n');
  } catch (e) {
    out.abandon();
    throw e;
  }
  await out.close();
  await bounded(probe, 'removing the trial file', () => unlink(probe));
  return absolute;
}

/** Whether `e` is a failed file operation (it carries an errno code and the system call). */
export function isFileError(e: unknown): e is NodeJS.ErrnoException {
  return typeof (e as NodeJS.ErrnoException | null)?.code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * Run the part of a command that writes its output under `where` (sync or async): a failed file
 * operation there becomes an OutputError, so the command ends with exit code 5.
 */
export function writingOutput<T>(where: string, write: () => T): T {
  const convert = (e: unknown): never => {
    throw isFileError(e) ? outputError(e.path ?? where, e) : e;
  };
  try {
    const result = write();
    return (result instanceof Promise ? result.catch(convert) : result) as T;
  } catch (e) {
    return convert(e);
  }
}
