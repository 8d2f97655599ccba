/**
 * better-sqlite3's binding for Electron, kept apart from the one `npm install` built for Node.
 *
 * Electron has its own native ABI (Electron 45: 150; Node 20: 115), so the desktop app cannot
 * load node_modules/better-sqlite3/build. Instead of rebuilding node_modules in place (which
 * would break the tests, `npm run serve` and the CLI until the next `npm install`), this builds
 * a copy of the module's sources in node_modules/.cache and keeps the resulting `.node` file
 * there, one per Electron version, platform and architecture. `npm start` copies the host's to
 * out/native/ (main/server/store/database.ts loads it from there under Electron); `npm run
 * dist` puts the target's into the packaged app.
 *
 * How a binding is obtained: a prebuilt one for that Electron when better-sqlite3 publishes it,
 * else, for the host only, compiled against Electron's headers (both through @electron/rebuild,
 * which needs python3, make and a C++ compiler for the second). Another platform's binding can
 * only be downloaded: native modules do not cross-compile.
 *
 * `node --import tsx scripts/electron-native.ts` is the `npm start` step.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const BINDING_FILE = 'better_sqlite3.node';
/** Where `npm start` puts the host's binding; database.ts's ELECTRON_BINDING. */
export const START_BINDING = path.join('out', 'native', BINDING_FILE);
const CACHE = path.join('node_modules', '.cache', 'fleetdesk-electron-native');
/** better-sqlite3's package files a build needs (not its Node build in build/). */
const SOURCES = ['package.json', 'binding.gyp', 'src', 'deps', 'lib'];

export interface ElectronTarget {
  electronVersion: string;
  /** Electron's NODE_MODULE_VERSION (node_modules/electron/abi_version): 150 for Electron 45. */
  abi: string;
  platform: NodeJS.Platform;
  arch: string;
}

/** A build step: leaves build/Release/better_sqlite3.node in `moduleDir` (a copy of the package). */
export type BindingBuilder = (job: { projectDir: string; moduleDir: string; target: ElectronTarget; root: string }) => Promise<void>;

/** Failing to get a binding, said in one line a person can act on. */
export class NativeBindingError extends Error {
  override name = 'NativeBindingError';
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The installed Electron's version and ABI (node_modules/electron), for this machine. */
export function hostTarget(root: string): ElectronTarget {
  const dir = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new NativeBindingError('the electron package is not installed: run `npm install` first');
  const abiFile = path.join(dir, 'abi_version');
  if (!fs.existsSync(abiFile)) throw new NativeBindingError(`${abiFile} is missing: reinstall the electron package (npm install)`);
  return { electronVersion: String(readJson(path.join(dir, 'package.json')).version), abi: fs.readFileSync(abiFile, 'utf8').trim(), platform: process.platform, arch: process.arch };
}

/**
 * The NODE_MODULE_VERSION a compiled binding was built for, from the registration symbol Node
 * and Electron look up in it (node_register_module_v150); null when it has none.
 */
export function bindingAbi(file: string): string | null {
  const m = /node_register_module_v(\d+)/.exec(fs.readFileSync(file).toString('latin1'));
  return m ? (m[1] as string) : null;
}

function wrongAbi(file: string, target: ElectronTarget): string | null {
  const abi = bindingAbi(file);
  return abi !== null && abi !== target.abi ? abi : null;
}

export function betterSqliteVersion(root: string): string {
  return String(readJson(path.join(root, 'node_modules', 'better-sqlite3', 'package.json')).version);
}

export function targetName(t: ElectronTarget): string {
  return `Electron ${t.electronVersion} on ${t.platform}-${t.arch}`;
}

/** Where the binding for `target` is kept once built. */
export function cachedBindingPath(root: string, target: ElectronTarget): string {
  const key = `better-sqlite3-${betterSqliteVersion(root)}-electron-${target.electronVersion}-${target.platform}-${target.arch}`;
  return path.join(root, CACHE, key, BINDING_FILE);
}

export type BinaryFormat = 'ELF' | 'PE' | 'Mach-O' | 'unknown';

/** The executable format of a compiled file, from its first bytes. */
export function binaryFormat(file: string): BinaryFormat {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return 'ELF';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'PE';
  const magic = head.readUInt32BE(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'Mach-O';
  return 'unknown';
}

export function formatFor(platform: NodeJS.Platform): BinaryFormat {
  if (platform === 'win32') return 'PE';
  if (platform === 'darwin') return 'Mach-O';
  return 'ELF';
}

const run = promisify(execFile);

/**
 * The default builder. The host: @electron/rebuild (a prebuilt binary, else a compile against
 * Electron's headers). Another platform: prebuild-install alone, since compiling there would
 * silently produce a binary for this machine instead.
 */
export const defaultBuilder: BindingBuilder = async ({ projectDir, moduleDir, target, root }) => {
  if (target.platform === process.platform) {
    // In a child process: node-gyp's worker prints its stack traces straight to stderr, which
    // is kept for the explanation instead of being shown. npm passes its `nodedir` setting to
    // scripts (npm_config_nodedir); node-gyp would then compile against that Node's headers
    // instead of Electron's and make a binding Electron cannot load.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(k)));
    const options = { buildPath: projectDir, electronVersion: target.electronVersion, arch: target.arch, platform: target.platform, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' };
    const script = path.join(import.meta.dirname, 'electron-rebuild.mjs');
    await run(process.execPath, [script, JSON.stringify(options)], { cwd: root, env, timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    return;
  }
  const bin = path.join(root, 'node_modules', 'prebuild-install', 'bin.js');
  await run(process.execPath, [bin, '--runtime=electron', `--target=${target.electronVersion}`, `--platform=${target.platform}`, `--arch=${target.arch}`], { cwd: moduleDir, timeout: 120_000 });
};

/** Turns a builder's failure into one line: what is missing and what to do. */
export function explainFailure(err: unknown, target: ElectronTarget): string {
  const text = [err instanceof Error ? err.message : String(err), (err as { stderr?: string })?.stderr ?? ''].join('\n');
  const what = `could not prepare better-sqlite3 for ${targetName(target)}`;
  if (target.platform !== process.platform) {
    return `${what}: no prebuilt binary could be downloaded, and native modules cannot be compiled for another system: build this installer on ${target.platform}, or where GitHub is reachable`;
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up|network connectivity/i.test(text)) {
    return `${what}: no prebuilt binary could be downloaded and Electron's headers could not be fetched to compile one (no connection to GitHub and electronjs.org); connect once and run it again`;
  }
  if (/not found|ENOENT|python|make|g\+\+|c\+\+|gyp/i.test(text)) {
    return `${what}: no prebuilt binary was available and compiling one failed; install python3, make and a C++ compiler and run it again (${firstLine(text)})`;
  }
  return `${what}: ${firstLine(text)}`;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim().slice(0, 300);
}

/**
 * The binding for `target`, from the cache or built now. Throws NativeBindingError with one
 * line when it cannot be had, and never touches node_modules/better-sqlite3 itself.
 */
export async function electronBinding(root: string, target: ElectronTarget, build: BindingBuilder = defaultBuilder): Promise<{ file: string; built: boolean }> {
  const file = cachedBindingPath(root, target);
  if (fs.existsSync(file) && wrongAbi(file, target) === null) return { file, built: false };
  fs.rmSync(file, { force: true });
  const keyDir = path.dirname(file);
  const projectDir = path.join(keyDir, 'work');
  const moduleDir = path.join(projectDir, 'node_modules', 'better-sqlite3');
  fs.rmSync(projectDir, { recursive: true, force: true });
  fs.mkdirSync(moduleDir, { recursive: true });
  try {
    const source = path.join(root, 'node_modules', 'better-sqlite3');
    for (const entry of SOURCES) fs.cpSync(path.join(source, entry), path.join(moduleDir, entry), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'package.json'), JSON.stringify({ name: 'fleetdesk-electron-native', private: true, dependencies: { 'better-sqlite3': betterSqliteVersion(root) } }));
    try {
      await build({ projectDir, moduleDir, target, root });
    } catch (err) {
      throw new NativeBindingError(explainFailure(err, target), { cause: err });
    }
    const output = path.join(moduleDir, 'build', 'Release', BINDING_FILE);
    if (!fs.existsSync(output)) throw new NativeBindingError(`could not prepare better-sqlite3 for ${targetName(target)}: the build finished without producing ${BINDING_FILE}`);
    const format = binaryFormat(output);
    if (format !== formatFor(target.platform)) {
      throw new NativeBindingError(`could not prepare better-sqlite3 for ${targetName(target)}: the build produced a ${format} file, not the ${formatFor(target.platform)} file ${target.platform} loads`);
    }
    const abi = wrongAbi(output, target);
    if (abi !== null) {
      throw new NativeBindingError(
        `could not prepare better-sqlite3 for ${targetName(target)}: the build made a binding for NODE_MODULE_VERSION ${abi} (Node ${abi === process.versions.modules ? process.versions.node : 'of another version'}), not Electron's ${target.abi}; was node-gyp pointed at Node's headers (npm's nodedir setting, npm_config_nodedir)?`,
      );
    }
    fs.copyFileSync(output, file);
    return { file, built: true };
  } finally {
    fs.rmSync(projectDir, { recursive: true, force: true });
  }
}

/** `npm start`'s step: the host's Electron binding at out/native/, where database.ts loads it. */
export async function prepareForStart(root: string, build?: BindingBuilder): Promise<string> {
  const target = hostTarget(root);
  const { file, built } = await electronBinding(root, target, build);
  const dest = path.join(root, START_BINDING);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(file, dest);
  return `better-sqlite3 for ${targetName(target)} ${built ? 'built' : 'ready'} (${START_BINDING})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  prepareForStart(root).then(
    (line) => console.log(line),
    (err: unknown) => {
      console.error(`npm start: ${err instanceof NativeBindingError ? err.message : `could not prepare better-sqlite3 for Electron: ${err instanceof Error ? err.message : String(err)}`}`);
      process.exitCode = 1;
    },
  );
}
