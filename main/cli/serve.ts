// `npm run serve -- [options]`: the same as `fleetdesk serve [options]`.
import { runCli } from './program';

await runCli(['serve', ...process.argv.slice(2)]);
