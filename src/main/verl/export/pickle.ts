// A Python str as a pickle (protocol 2, the format pickle.load reads in every Python 3): PROTO 2, BINUNICODE with
// a 4-byte little-endian length and the UTF-8 bytes, STOP. The method's trainer loads its prompts this way.
const PROTO = 0x80;
const BINUNICODE = 0x58; // 'X'
const STOP = 0x2e; // '.'

export function pickleString(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  const header = Buffer.from([PROTO, 2, BINUNICODE, 0, 0, 0, 0]);
  header.writeUInt32LE(utf8.length, 3);
  return Buffer.concat([header, utf8, Buffer.from([STOP])]);
}
