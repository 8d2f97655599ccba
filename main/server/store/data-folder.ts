/**
 * The data folder holds device keys, the token secret and the TLS key: it is the owner's alone.
 * The folder (and folders in it) 0700, every file 0600, whoever created them and whatever the
 * umask: checked and corrected at every start. The database file is created here, 0600, before
 * SQLite opens it, because SQLite gives its -wal and -shm files the database file's mode.
 */
import fs from 'node:fs';
import path from 'node:path';

const OPEN_BITS = 0o077;

/** The data folder cannot be used (read-only, not ours to write, full, not a folder): one plain sentence. */
export class DataFolderError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DataFolderError';
  }
}

/** What the file system said, in words a person can act on; null for what is not about the folder. */
function folderProblem(dir: string, err: unknown): string | null {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EROFS':
      return `the data folder ${dir} is on a read-only file system: FleetDesk keeps its database there and must write to it (make the disk writable again, or use another data folder)`;
    case 'EACCES':
    case 'EPERM':
      return `FleetDesk may not write to the data folder ${dir} (permission denied): give this user write access to it, or use another data folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding the data folder ${dir} is full: free some space, then start FleetDesk again`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `the data folder ${dir} is not a folder (a file of that name is in the way)`;
    default:
      return null;
  }
}

/**
 * Creates the folder if needed and takes group and other permissions away from it and from
 * everything in it. Returns what was too open (to be logged). No-op on Windows, where the
 * user's profile folder is already private and mode bits mean nothing. A folder that cannot be
 * written (a read-only disk, no permission, a full disk) is a DataFolderError saying so.
 */
export function secureDataFolder(dir: string, dbFile: string): string[] {
  try {
    return secure(dir, dbFile);
  } catch (err) {
    const problem = folderProblem(dir, err);
    throw problem ? new DataFolderError(problem, { cause: err }) : err;
  }
}

function secure(dir: string, dbFile: string): string[] {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return [];
  const corrected: string[] = [];
  const fix = (p: string, mode: number, st: fs.Stats) => {
    if ((st.mode & OPEN_BITS) === 0) return;
    fs.chmodSync(p, mode);
    corrected.push(`${p} (was ${(st.mode & 0o777).toString(8)})`);
  };
  const walk = (d: string, depth: number) => {
    fix(d, 0o700, fs.statSync(d));
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory() && depth < 3) walk(p, depth + 1);
      else if (entry.isFile()) fix(p, 0o600, fs.statSync(p));
    }
  };
  walk(dir, 0);
  // Created private before SQLite opens it: its -wal and -shm files take this mode.
  fs.closeSync(fs.openSync(path.join(dir, dbFile), 'a', 0o600));
  return corrected;
}
