/**
 * Stand-in Electron folders for electron-builder's `electronDist`, for checking the packaging
 * where Electron's real zips cannot be downloaded (CI here has no access to GitHub). Each has
 * the layout electron-builder expects for its platform and an executable that electron-builder
 * really edits: the fuse wire (@electron/fuses looks for Electron's sentinel), and on Windows a
 * valid PE file, so that its icon, version and asar-integrity resources are written as they
 * would be into electron.exe. None of them runs Electron: the packages built from them show
 * what FleetDesk ships, not that it starts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The part of resedit (the PE resource editor electron-builder itself uses) needed here. Loaded
 * untyped: its type declarations pull the DOM library into the whole Node program.
 */
interface ResEditLib {
  NtExecutable: { from(bin: Buffer): { generate(): ArrayBuffer } };
  NtExecutableResource: { from(exe: unknown): { entries: unknown[]; outputResource(exe: unknown): void } };
  Resource: {
    VersionInfo: {
      createEmpty(): {
        lang: number;
        setFileVersion(version: string, lang: number): void;
        setProductVersion(version: string, lang: number): void;
        setStringValues(lang: { lang: number; codepage: number }, values: Record<string, string>): void;
        outputToResourceEntries(entries: unknown[]): void;
      };
    };
  };
}
const ResEdit = createRequire(import.meta.url)('resedit') as ResEditLib;

/** @electron/fuses' marker, followed by the wire version, its length and one byte per fuse. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Electron's defaults: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only asar, browser V8 snapshot, file:// privileges. */
const DEFAULT_FUSES = '10110001';

export function fuseWire(states = DEFAULT_FUSES): Buffer {
  return Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, states.length]), Buffer.from(states)]);
}

/** Reads the fuse states ('0' off, '1' on) after the sentinel of an Electron binary. */
export function readFuses(file: string): string {
  const data = fs.readFileSync(file);
  const at = data.indexOf(FUSE_SENTINEL);
  if (at < 0) throw new Error(`${file} has no fuse wire`);
  const start = at + FUSE_SENTINEL.length;
  const length = data[start + 1] as number;
  return data.subarray(start + 2, start + 2 + length).toString('latin1');
}

/**
 * A minimal valid PE32+ executable for x64 (one section holding `ret` and the fuse wire), with
 * header room for the resource section resedit adds.
 */
export function minimalPe(payload: Buffer): Buffer {
  const FILE_ALIGN = 0x200;
  const SECT_ALIGN = 0x1000;
  const HEADERS = 0x400;
  const rawSize = Math.ceil((1 + payload.length) / FILE_ALIGN) * FILE_ALIGN;
  const buf = Buffer.alloc(HEADERS + rawSize);
  buf.write('MZ', 0, 'latin1');
  buf.writeUInt32LE(0x40, 0x3c); // e_lfanew
  const pe = 0x40;
  buf.write('PE\0\0', pe, 'latin1');
  const coff = pe + 4;
  buf.writeUInt16LE(0x8664, coff); // x64
  buf.writeUInt16LE(1, coff + 2); // one section
  buf.writeUInt16LE(240, coff + 16); // size of the PE32+ optional header
  buf.writeUInt16LE(0x0022, coff + 18); // executable, large-address aware
  const opt = coff + 20;
  buf.writeUInt16LE(0x20b, opt); // PE32+
  buf.writeUInt32LE(rawSize, opt + 4); // size of code
  buf.writeUInt32LE(SECT_ALIGN, opt + 16); // entry point
  buf.writeUInt32LE(SECT_ALIGN, opt + 20); // base of code
  buf.writeBigUInt64LE(0x140000000n, opt + 24); // image base
  buf.writeUInt32LE(SECT_ALIGN, opt + 32);
  buf.writeUInt32LE(FILE_ALIGN, opt + 36);
  buf.writeUInt16LE(6, opt + 40); // OS version 6.0
  buf.writeUInt16LE(6, opt + 48); // subsystem version 6.0
  const imageSize = SECT_ALIGN + Math.ceil(rawSize / SECT_ALIGN) * SECT_ALIGN;
  buf.writeUInt32LE(imageSize, opt + 56);
  buf.writeUInt32LE(HEADERS, opt + 60);
  buf.writeUInt16LE(2, opt + 68); // Windows GUI
  buf.writeUInt16LE(0x8160, opt + 70); // NX, dynamic base, high-entropy VA, terminal-server aware
  buf.writeBigUInt64LE(0x100000n, opt + 72); // stack reserve
  buf.writeBigUInt64LE(0x1000n, opt + 80); // stack commit
  buf.writeBigUInt64LE(0x100000n, opt + 88); // heap reserve
  buf.writeBigUInt64LE(0x1000n, opt + 96); // heap commit
  buf.writeUInt32LE(16, opt + 108); // data directories (all empty)
  const sect = opt + 240;
  buf.write('.text', sect, 'latin1');
  buf.writeUInt32LE(1 + payload.length, sect + 8); // virtual size
  buf.writeUInt32LE(SECT_ALIGN, sect + 12);
  buf.writeUInt32LE(rawSize, sect + 16);
  buf.writeUInt32LE(HEADERS, sect + 20);
  buf.writeUInt32LE(0x60000020, sect + 36); // code, execute, read
  buf[HEADERS] = 0xc3; // ret
  payload.copy(buf, HEADERS + 1);
  return buf;
}

/** electron.exe carries a version resource; electron-builder edits it and refuses an exe without one. */
export function withVersionInfo(exe: Buffer, version: string): Buffer {
  const image = ResEdit.NtExecutable.from(exe);
  const res = ResEdit.NtExecutableResource.from(image);
  const vi = ResEdit.Resource.VersionInfo.createEmpty();
  vi.lang = 1033; // US English, as Electron's: electron-builder expects exactly one language
  vi.setFileVersion(version, 1033);
  vi.setProductVersion(version, 1033);
  vi.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron (stand-in)', OriginalFilename: 'electron.exe' });
  vi.outputToResourceEntries(res.entries);
  res.outputResource(image);
  return Buffer.from(image.generate());
}

function write(file: string, content: string | Buffer, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, mode === undefined ? undefined : { mode });
}

/** Stand-ins for the files Electron ships beside its executable (their names, not their bytes). */
function commonFiles(dir: string, version: string): void {
  write(path.join(dir, 'version'), version);
  write(path.join(dir, 'LICENSE'), 'Stand-in for Electron\'s LICENSE\n');
  write(path.join(dir, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
}

function plist(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `  <key>${k}</key>\n  <string>${v}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`;
}

/** Creates (replacing) a stand-in Electron `version` folder for `platform` in `dir`. */
export function makeStandInElectron(dir: string, platform: 'linux' | 'win32' | 'darwin', version: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  const wire = fuseWire();
  if (platform === 'linux') {
    write(path.join(dir, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron: nothing to run" >&2\nexit 1\n'), wire]), 0o755);
    for (const f of ['chrome-sandbox', 'chrome_crashpad_handler']) write(path.join(dir, f), 'stand-in\n', 0o755);
    for (const f of ['libffmpeg.so', 'libEGL.so', 'libGLESv2.so', 'icudtl.dat', 'resources.pak', 'chrome_100_percent.pak', 'v8_context_snapshot.bin', 'locales/en-US.pak']) write(path.join(dir, f), 'stand-in\n');
  } else if (platform === 'win32') {
    write(path.join(dir, 'electron.exe'), withVersionInfo(minimalPe(wire), version));
    for (const f of ['ffmpeg.dll', 'libEGL.dll', 'libGLESv2.dll', 'icudtl.dat', 'resources.pak', 'chrome_100_percent.pak', 'v8_context_snapshot.bin', 'locales/en-US.pak']) write(path.join(dir, f), 'stand-in\n');
  } else {
    const contents = path.join(dir, 'Electron.app', 'Contents');
    write(path.join(contents, 'Info.plist'), plist({ CFBundleExecutable: 'Electron', CFBundleIdentifier: 'com.github.Electron', CFBundleName: 'Electron', CFBundleDisplayName: 'Electron', CFBundleIconFile: 'electron.icns', CFBundlePackageType: 'APPL', CFBundleVersion: version, CFBundleShortVersionString: version }));
    write(path.join(contents, 'MacOS', 'Electron'), '#!/bin/sh\nexit 1\n', 0o755);
    write(path.join(contents, 'Resources', 'electron.icns'), 'stand-in\n');
    const framework = path.join(contents, 'Frameworks', 'Electron Framework.framework');
    write(path.join(framework, 'Electron Framework'), Buffer.concat([Buffer.from('stand-in framework\n'), wire]), 0o755);
    for (const suffix of ['', ' (GPU)', ' (Plugin)', ' (Renderer)']) {
      const helper = path.join(contents, 'Frameworks', `Electron Helper${suffix}.app`, 'Contents');
      write(path.join(helper, 'Info.plist'), plist({ CFBundleExecutable: `Electron Helper${suffix}`, CFBundleIdentifier: 'com.github.Electron.helper', CFBundleName: `Electron Helper${suffix}` }));
      write(path.join(helper, 'MacOS', `Electron Helper${suffix}`), '#!/bin/sh\nexit 1\n', 0o755);
    }
  }
  // No default_app.asar: electron-builder hashes every archive in resources/ for the integrity check.
  commonFiles(platform === 'darwin' ? path.join(dir, 'Electron.app', 'Contents', 'Resources') : dir, version);
  return dir;
}
