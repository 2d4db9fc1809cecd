// Writing a command's output: every way a path can refuse files is an OutputError (exit code 5)
// naming the path and the reason, quickly, on the special files of Linux too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError, OutputFile, bounded, makeFolders, prepareOutputFolder, writeFiles, writingOutput } from '../src/cli/outputFiles';

const dir = mkdtempSync(join(tmpdir(), 'alembic-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The OutputError `run` fails with, and how long it took. */
async function refusal(run: () => Promise<unknown>): Promise<{ error: OutputError; ms: number }> {
  const t0 = performance.now();
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(OutputError);
    return { error: e as OutputError, ms: performance.now() - t0 };
  }
  throw new Error('expected the write to fail');
}

async function writeAll(path: string, text: string) {
  const f = await OutputFile.open(path);
  await f.write(text);
  await f.close();
}

describe('output files', () => {
  it('write folders and files, and fail on each kind of refusal with the reason', async () => {
    await writeFiles(join(dir, 'a', 'b'), [
      { path: 'c/d.txt', content: 'x'.repeat(100_000) },
      { path: 'e.txt', content: 'é\n' },
    ]);
    expect(readFileSync(join(dir, 'a', 'b', 'c', 'd.txt'), 'utf8')).toHaveLength(100_000);
    expect(readFileSync(join(dir, 'a', 'b', 'e.txt'), 'utf8')).toBe('é\n');

    const full = await refusal(() => writeAll('/dev/full', 'a line\n'));
    expect(full.error.message).toBe('cannot write /dev/full: no space left on the device (ENOSPC)');
    expect((await refusal(() => writeAll('/sys/x', 'x'))).error.reason).toMatch(/\((EACCES|EPERM|EROFS)\)$/);
    expect((await refusal(() => writeAll(dir, 'x'))).error.reason).toBe('it is a folder, not a file (EISDIR)');
    expect((await refusal(() => writeAll('/etc/hostname/x', 'x'))).error.reason).toBe('part of the path is a file, not a folder (ENOTDIR)');
    expect((await refusal(() => writeFiles('/etc/hostname', [{ path: 'x/y', content: '' }]))).error.message).toBe(
      'cannot write /etc/hostname/x: /etc/hostname is a file, not a folder',
    );
    // A folder removed after it was made.
    const gone = join(dir, 'gone');
    await makeFolders(gone);
    rmSync(gone, { recursive: true });
    expect((await refusal(() => writeAll(join(gone, 'x'), 'x'))).error.reason).toMatch(/does not exist \(or was removed\) \(ENOENT\)/);
  });

  it('never hang on /proc, a FIFO nobody reads, or an operation that does not return', async () => {
    // Node's own recursive mkdir loops forever here.
    const proc = await refusal(() => writeFiles('/proc/x/y', [{ path: 'z', content: '' }]));
    expect(proc.error.message).toBe('cannot write /proc/x: a folder on the path does not exist (or was removed) (ENOENT)');
    expect(proc.ms).toBeLessThan(2000);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const unread = await refusal(() => writeAll(fifo, 'x'));
    expect(unread.error.reason).toMatch(/\(ENXIO\)$/);
    expect(unread.ms).toBeLessThan(2000);
    const stuck = await refusal(() => bounded('/somewhere', 'waiting', () => new Promise(() => {}), 50));
    expect(stuck.error.message).toBe('cannot write /somewhere: waiting did not finish within 0.05 s (a special file or a hung mount?)');
  });

  it('a folder is tried with a file before the work; later failed writes become OutputErrors', async () => {
    await expect(prepareOutputFolder(join(dir, 'ready'))).resolves.toBe(join(dir, 'ready'));
    expect(existsSync(join(dir, 'ready'))).toBe(true);
    expect((await refusal(() => prepareOutputFolder('/proc/self'))).error.path).toMatch(/^\/proc\/self\/\.alembic-write-check-/);
    mkdirSync(join(dir, 'sync'));
    expect(() => writingOutput(dir, () => readFileSync(join(dir, 'sync')))).toThrow(OutputError);
    await expect(writingOutput(dir, () => Promise.reject(new Error('not a file error')))).rejects.toThrow('not a file error');
  });
});
