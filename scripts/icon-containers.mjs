// The two icon containers the installers need, written by hand: both are little more than a table of PNGs.

/**
 * Windows .ico: a 6-byte header, one 16-byte directory entry per image, then the PNGs themselves
 * (PNG-compressed entries are valid since Windows Vista). Width and height 256 are stored as 0.
 * @param {{ size: number, png: Buffer }[]} images
 */
export function writeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    if (size > 256) throw new Error(`An .ico image is at most 256 px; got ${size}`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0);
    entry.writeUInt8(size % 256, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** macOS .icns element types that hold a PNG, by pixel size; the @2x types repeat a size for Retina. */
export const ICNS_TYPES = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'icp6', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 }, // 512@2x
  { type: 'ic11', size: 32 }, // 16@2x
  { type: 'ic12', size: 64 }, // 32@2x
  { type: 'ic13', size: 256 }, // 128@2x
  { type: 'ic14', size: 512 }, // 256@2x
];

/**
 * macOS .icns: the magic 'icns' and the file's length (big-endian), then elements of a 4-character type,
 * the element's length including its 8-byte header, and the PNG.
 * @param {(size: number) => Buffer} pngOfSize
 */
export function writeIcns(pngOfSize) {
  const elements = ICNS_TYPES.map(({ type, size }) => {
    const png = pngOfSize(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(8 + elements.reduce((sum, e) => sum + e.length, 0), 4);
  return Buffer.concat([header, ...elements]);
}
