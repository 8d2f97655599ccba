/**
 * Windows .ico and macOS .icns files that wrap a PNG as it is. electron-builder converts
 * resources/icon.png itself with a tool it downloads from GitHub; the offline packaging check
 * (check-packages.ts) cannot, so it hands electron-builder these instead.
 */

/** The PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47 || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG file');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** An .ico with one PNG-compressed image (Windows Vista and later read those). */
export function icoFromPng(png: Buffer): Buffer {
  const { width, height } = pngSize(png);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(width >= 256 ? 0 : width, 6); // 0 means 256 or more
  header.writeUInt8(height >= 256 ? 0 : height, 7);
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, png]);
}

const ICNS_TYPES: Record<number, string> = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };

/** An .icns with the PNG as the entry for its size. */
export function icnsFromPng(png: Buffer): Buffer {
  const { width, height } = pngSize(png);
  const type = ICNS_TYPES[width];
  if (!type || width !== height) throw new Error(`an .icns image must be square, 16 to 1024 pixels in powers of two, not ${width}×${height}`);
  const entry = Buffer.alloc(8);
  entry.write(type, 0, 'latin1');
  entry.writeUInt32BE(8 + png.length, 4);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(16 + png.length, 4);
  return Buffer.concat([header, entry, png]);
}
