/**
 * better-sqlite3 for Electron kept apart from Node's: which binding each runtime loads, and the
 * cache that `npm start` and packaging fill. The real builder (@electron/rebuild) needs GitHub or
 * electronjs.org, which this machine cannot reach; here a stand-in for it "downloads" the Node
 * build of the same sources, as prebuild-install would unpack a prebuilt one.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bindingFor, ELECTRON_BINDING, openDatabase, schemaVersion } from '../../main/server/store/database';
import { SCHEMA_VERSION } from '../../main/server/store/migrations';
import {
  bindingAbi,
  binaryFormat,
  cachedBindingPath,
  electronBinding,
  explainFailure,
  NativeBindingError,
  prepareForStart,
  START_BINDING,
  type BindingBuilder,
  type ElectronTarget,
} from '../../scripts/electron-native';
import { tempDir } from '../support/server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_BUILD = path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const BS_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A project root whose node_modules holds the real better-sqlite3 and an electron package.
 * Its Electron's ABI is this Node's by default, so that the Node build stands in for a
 * prebuilt Electron binding; the ABI check is then tested with Electron 45's real 150.
 */
function fakeRoot(electronVersion = '45.4.1', abi = process.versions.modules): string {
  const root = tempDir('fleetdesk-native-');
  fs.mkdirSync(path.join(root, 'node_modules', 'electron'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'better-sqlite3'), path.join(root, 'node_modules', 'better-sqlite3'));
  fs.writeFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: electronVersion }));
  fs.writeFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), abi);
  return root;
}

/** Stands in for a prebuilt download: puts a compiled binding where node-gyp would. */
function standInBuilder(calls: ElectronTarget[], from = NODE_BUILD): BindingBuilder {
  return async ({ moduleDir, target }) => {
    calls.push(target);
    assert.ok(fs.existsSync(path.join(moduleDir, 'binding.gyp')), 'the sources are copied to build from');
    assert.equal(fs.existsSync(path.join(moduleDir, 'build')), false, "node_modules' own build is not copied");
    fs.mkdirSync(path.join(moduleDir, 'build', 'Release'), { recursive: true });
    fs.copyFileSync(from, path.join(moduleDir, 'build', 'Release', 'better_sqlite3.node'));
  };
}

const host = (electronVersion = '45.4.1', abi = process.versions.modules): ElectronTarget => ({ electronVersion, abi, platform: process.platform, arch: process.arch });

test('Node loads node_modules’ build; under Electron the store asks for the Electron build by path', () => {
  assert.deepEqual(bindingFor(process.versions), {});
  assert.deepEqual(bindingFor({ ...process.versions, electron: '45.4.1' }, '/opt/FleetDesk/resources/app.asar'), {
    nativeBinding: path.join('/opt/FleetDesk/resources/app.asar', 'out', 'native', 'better_sqlite3.node'),
  });
  assert.equal(ELECTRON_BINDING, START_BINDING.split(path.sep).join('/'));
});

test('openDatabase loads the binding it is given, and says plainly when the Electron build is missing', () => {
  const appRoot = tempDir();
  const electron = bindingFor({ electron: '45.4.1' }, appRoot);
  assert.throws(() => openDatabase(tempDir(), electron), /FleetDesk's SQLite module for Electron is missing \(.*out\/native\/better_sqlite3\.node\): `npm start` prepares it/);

  fs.mkdirSync(path.dirname(electron.nativeBinding!), { recursive: true });
  fs.copyFileSync(NODE_BUILD, electron.nativeBinding!);
  const db = openDatabase(tempDir(), electron);
  try {
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
  } finally {
    db.close();
  }
  assert.throws(() => openDatabase(tempDir(), { nativeBinding: path.join(ROOT, 'package.json') }), /./, 'a file that is no binding is refused, not loaded');
});

test('the Electron binding is built once per Electron version into the cache, never in node_modules', async () => {
  const root = fakeRoot();
  const before = sha(NODE_BUILD);
  const calls: ElectronTarget[] = [];
  const first = await electronBinding(root, host(), standInBuilder(calls));
  assert.equal(first.built, true);
  assert.equal(first.file, cachedBindingPath(root, host()));
  assert.ok(first.file.endsWith(path.join('node_modules', '.cache', 'fleetdesk-electron-native', `better-sqlite3-${BS_VERSION}-electron-45.4.1-${process.platform}-${process.arch}`, 'better_sqlite3.node')), 'first.file.endsWith(path.join(\'node_modules\', \'.cache\', \'fleetdesk-electron-native\', `better-sqlite3-${BS_V…');
  assert.equal(binaryFormat(first.file), binaryFormat(NODE_BUILD));
  assert.deepEqual(fs.readdirSync(path.dirname(first.file)), ['better_sqlite3.node'], 'the build copy is removed');

  const again = await electronBinding(root, host(), standInBuilder(calls));
  assert.equal(again.built, false);
  assert.equal(calls.length, 1, 'a cached binding is not built again');

  const upgraded = await electronBinding(root, host('46.0.0'), standInBuilder(calls));
  assert.equal(upgraded.built, true);
  assert.notEqual(upgraded.file, first.file);
  assert.equal(calls.length, 2);
  assert.equal(sha(NODE_BUILD), before, "node_modules' Node build is untouched");
});

test('npm start’s step copies the host binding to out/native, where the store loads it', async () => {
  const root = fakeRoot();
  const calls: ElectronTarget[] = [];
  const line = await prepareForStart(root, standInBuilder(calls));
  assert.equal(line, `better-sqlite3 for Electron 45.4.1 on ${process.platform}-${process.arch} built (${START_BINDING})`);
  const placed = path.join(root, START_BINDING);
  assert.equal(sha(placed), sha(NODE_BUILD));
  assert.deepEqual(bindingFor({ electron: '45.4.1' }, root), { nativeBinding: placed });
  assert.match(await prepareForStart(root, standInBuilder(calls)), / ready \(/);
  assert.equal(calls.length, 1);
});

test('a build that yields another system’s binary is refused', async () => {
  const root = fakeRoot();
  const pe = path.join(tempDir(), 'fake.node');
  fs.writeFileSync(pe, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62)]));
  await assert.rejects(electronBinding(root, host(), standInBuilder([], pe)), (err: Error) => {
    assert.ok(err instanceof NativeBindingError, 'err instanceof NativeBindingError');
    assert.match(err.message, new RegExp(`produced a PE file, not the ${binaryFormat(NODE_BUILD)} file ${process.platform} loads`));
    return true;
  });
  assert.equal(fs.existsSync(cachedBindingPath(root, host())), false, 'nothing wrong is cached');
});

test('a build for Node’s ABI instead of Electron’s is refused, and such a cached binding is replaced', async () => {
  // What happened with npm's nodedir setting: node-gyp compiled against Node's headers.
  assert.equal(bindingAbi(NODE_BUILD), process.versions.modules);
  const electron45 = fakeRoot('45.4.1', '150');
  await assert.rejects(electronBinding(electron45, host('45.4.1', '150'), standInBuilder([])), (err: Error) => {
    assert.ok(err instanceof NativeBindingError, 'err instanceof NativeBindingError');
    assert.equal(
      err.message,
      `could not prepare better-sqlite3 for Electron 45.4.1 on ${process.platform}-${process.arch}: the build made a binding for NODE_MODULE_VERSION ${process.versions.modules} (Node ${process.versions.node}), not Electron's 150; was node-gyp pointed at Node's headers (npm's nodedir setting, npm_config_nodedir)?`,
    );
    return true;
  });
  // A wrong binding already in the cache (left by an earlier version of this script) is built again.
  const cached = cachedBindingPath(electron45, host('45.4.1', '150'));
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.copyFileSync(NODE_BUILD, cached);
  const calls: ElectronTarget[] = [];
  await assert.rejects(electronBinding(electron45, host('45.4.1', '150'), standInBuilder(calls)), NativeBindingError);
  assert.equal(calls.length, 1, 'not taken from the cache');
  assert.equal(fs.existsSync(cached), false);
});

test('failures are one line that says what to do', async () => {
  const offline = Object.assign(new Error("Command failed: node electron-rebuild.mjs\nnode-gyp failed to rebuild '/x'"), {
    stderr: 'Error: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity.',
  });
  const line = explainFailure(offline, host());
  assert.equal(line, `could not prepare better-sqlite3 for Electron 45.4.1 on ${process.platform}-${process.arch}: no prebuilt binary could be downloaded and Electron's headers could not be fetched to compile one (no connection to GitHub and electronjs.org); connect once and run it again`);
  assert.equal(line.includes('\n'), false);

  const noCompiler = Object.assign(new Error('Command failed'), { stderr: 'gyp ERR! stack Error: not found: make' });
  assert.match(explainFailure(noCompiler, host()), /compiling one failed; install python3, make and a C\+\+ compiler/);

  const windows = explainFailure(new Error('prebuild-install warn install No prebuilt binaries found'), { electronVersion: '45.4.1', abi: '150', platform: 'win32', arch: 'x64' });
  assert.match(windows, /on win32-x64: no prebuilt binary could be downloaded, and native modules cannot be compiled for another system: build this installer on win32/);

  const root = fakeRoot();
  await assert.rejects(
    electronBinding(root, host(), async () => {
      throw offline;
    }),
    (err: Error) => err instanceof NativeBindingError && err.message === line,
  );
});
