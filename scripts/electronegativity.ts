/**
 * `npm run lint:electron`: Doyensec's Electronegativity over the Electron shell (main/electron).
 * Every finding fails the run. The ones checked by hand and found false are suppressed where they
 * stand, each with an `eng-disable` comment and a note saying why (see SECURITY.md).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  severity: { name: string };
  confidence: { name: string };
}
type Run = (options: Record<string, unknown>) => Promise<{ issues: Issue[]; errors: unknown[]; globalChecks: number; atomicChecks: number }>;

const run = createRequire(import.meta.url)('@doyensec/electronegativity') as Run;
const input = path.resolve(import.meta.dirname, '../main/electron');
const electron = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;

// Offline it cannot fetch the list of Electron releases (it says so and goes on); never wait long.
const timeout = setTimeout(() => {
  console.error('lint:electron: Electronegativity did not finish within 120 s');
  process.exit(1);
}, 120_000);
timeout.unref();

const result = await run({ input, isRelative: true, electronVersionOverride: electron });
for (const i of result.issues) {
  console.error(`main/electron/${i.file}:${i.location.line}:${i.location.column} ${i.id} (${i.severity.name}, ${i.confidence.name}): ${i.description}`);
}
if (result.errors.length > 0) console.error(`lint:electron: ${result.errors.length} files could not be analysed`, result.errors);
if (result.issues.length > 0 || result.errors.length > 0) process.exit(1);
console.log(`lint:electron: ${result.globalChecks + result.atomicChecks} Electronegativity checks, no findings in main/electron (Electron ${electron})`);
