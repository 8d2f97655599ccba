/** Temp folders for tests, removed when the test process exits. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const madeDirs: string[] = [];
let removeAtExit = false;

/**
 * A new folder under the OS temp folder, removed when the test process exits (node:test runs
 * each file in its own process), so repeated runs do not fill /tmp. FLEETDESK_KEEP_TEST_DIRS=1
 * keeps them to look at after a failure.
 */
export function tempDir(prefix = 'fleetdesk-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  if (!removeAtExit && !process.env.FLEETDESK_KEEP_TEST_DIRS) {
    removeAtExit = true;
    process.on('exit', () => {
      for (const d of madeDirs) {
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          /* a folder a test left read-only: leave it rather than fail the run */
        }
      }
    });
  }
  return dir;
}
