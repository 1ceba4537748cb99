// Lines of a byte stream, each bounded in length. A text line is kept in memory whole, and a string has a
// maximum length (~512 M characters in V8): one 900 MB line made readline throw "Invalid string length" and
// ended the import. Here a longer line is skipped to its end and reported, and the lines after it still come.

export type BoundedLine = { kind: 'line'; text: string } | { kind: 'too-long'; bytes: number };

/** 256 MB: well under V8's string limit, and far past any sane record. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export async function* boundedLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const finish = (): BoundedLine => {
    const result: BoundedLine = overflow
      ? { kind: 'too-long', bytes: size }
      : { kind: 'line', text: stripCr(Buffer.concat(parts, size).toString('utf8')) };
    parts = [];
    size = 0;
    overflow = false;
    return result;
  };
  const take = (piece: Buffer) => {
    size += piece.length;
    if (size > maxLineBytes) {
      overflow = true;
      parts = [];
    } else if (!overflow) parts.push(piece);
  };
  let sawAny = false;
  for await (const chunk of chunks) {
    sawAny = true;
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, newline));
      yield finish();
      start = newline + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  // A last line without a newline is still a line.
  if (sawAny && (size > 0 || overflow)) yield finish();
}

const stripCr = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text);
