// The `fleetdesk` command line (`npm run cli -- …`; `npm run serve` runs its bundle, out/cli.cjs).
import { runCli } from './program';

// runCli reports its own errors and sets the exit code: it never rejects.
void runCli(process.argv.slice(2));
