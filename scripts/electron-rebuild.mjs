// Runs @electron/rebuild with the JSON options in argv[2]. electron-native.ts starts it as a
// child process so that node-gyp's workers, which print straight to stderr, can be captured.
import { rebuild } from '@electron/rebuild';

await rebuild(JSON.parse(process.argv[2]));
