/**
 * Makes files read-only under a process that already has them open for writing, which neither
 * permission bits (root ignores them) nor a read-only remount (Linux refuses it while files are
 * open for writing) can do: Linux's immutable flag (`chattr +i`). A write through a descriptor
 * opened before fails with EPERM, as it would with EROFS on a file system gone read-only; no new
 * file can be made in an immutable folder. Needs root (CAP_LINUX_IMMUTABLE) and a file system
 * with the flag (ext4, xfs, btrfs, tmpfs from Linux 6.0).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const chattr = (flag: '+i' | '-i', paths: string[]): boolean => {
  try {
    execFileSync('chattr', [flag, ...paths], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Whether this process can set and clear the flag on files in `dir` (false: not root, no chattr, a file system without it). */
export function canFreeze(dir: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = path.join(dir, '.immutable-probe');
  fs.writeFileSync(probe, 'x');
  const ok = chattr('+i', [probe]) && chattr('-i', [probe]);
  fs.rmSync(probe, { force: true });
  return ok;
}

/**
 * A folder with every file directly in it except SQLite's shared-memory index (`*-shm`), or one
 * file. SQLite maps the -shm file into memory and writes to it directly; a write to a mapped page
 * of an immutable file cannot make the page writable and raises SIGBUS, which kills the process
 * (the test runner saw it) instead of failing a call SQLite can report. The -shm file holds no
 * data (SQLite rebuilds it from the WAL); the database file, its WAL and the folder are frozen.
 */
const targets = (target: string): string[] =>
  fs.statSync(target).isDirectory() ? [target, ...fs.readdirSync(target).filter((name) => !name.endsWith('-shm')).map((name) => path.join(target, name))] : [target];

/** A file, or a folder and every file directly in it, now: immutable. */
export function freeze(target: string): void {
  if (!chattr('+i', targets(target))) throw new Error(`chattr +i failed on ${target}`);
}

/** Clears the flag again (safe to call more than once, and on what was never frozen). */
export function thaw(target: string): void {
  if (fs.existsSync(target)) chattr('-i', targets(target));
}
