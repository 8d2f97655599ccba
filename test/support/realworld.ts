/**
 * Where the real-world samples live: the workplace's `shared/realworld/` beside the repository
 * (`../shared/realworld`), or `FLEETDESK_REALWORLD`. They are other projects' files with their
 * own licences, so they are read in place rather than copied into this repository. A missing
 * folder fails the tests that need it, loudly.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

function locate(): string {
  const candidates = [process.env.FLEETDESK_REALWORLD, path.resolve(ROOT, '../shared/realworld'), '/work/shared/realworld'].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'README.md')));
  if (!found) throw new Error(`the real-world samples are not found (looked in ${candidates.join(', ')}); set FLEETDESK_REALWORLD to the shared/realworld folder`);
  return found;
}

let dir: string | null = null;

/** The absolute path of a file in shared/realworld, e.g. realworldPath('traces/x.gpx'). */
export function realworldPath(relative: string): string {
  dir ??= locate();
  return path.join(dir, relative);
}
