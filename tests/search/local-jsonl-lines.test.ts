// A JSONL corpus file is read a line at a time: a line over the limit is refused by file and line number, and the
// line numbers of later errors still count every line.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCorpusFolder } from '../../src/main/search/local/folder';
import { removeTempHomes, tempHome } from '../helpers/home';

afterEach(removeTempHomes);

const row = (title: string, body: string) => JSON.stringify({ title, body });

describe('reading a JSONL corpus file line by line', () => {
  it('names the file and line of a line over the limit', () => {
    const dir = tempHome('corpus-long-');
    const long = row('Long', 'x'.repeat(500));
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), `${row('One', 'short')}\n${long}\n${row('Three', 'short')}\n`);
    expect(() => readCorpusFolder(dir, 200)).toThrow(
      `rows.jsonl line 2: the line is ${long.length} bytes, over the 200 bytes limit for one line`,
    );
    expect(readCorpusFolder(dir, 1000).docs.map((d) => d.title)).toEqual(['One', 'Long', 'Three']);
  });

  it('reads rows split across read chunks and CRLF endings, and counts lines after blank ones', () => {
    const dir = tempHome('corpus-chunks-');
    const big = 'word '.repeat(300_000); // 1.5 MB: more than one read
    fs.writeFileSync(
      path.join(dir, 'rows.jsonl'),
      `${row('Big', big)}\r\n\r\n${row('Small', 'tiny')}\r\n${JSON.stringify({ body: 'no title' })}\r\n`,
    );
    expect(() => readCorpusFolder(dir)).toThrow('rows.jsonl line 4: field "title" is missing or not a string');
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), `${row('Big', big)}\r\n\r\n${row('Small', 'tiny')}`);
    const docs = readCorpusFolder(dir).docs;
    expect(docs.map((d) => [d.title, d.body.length])).toEqual([
      ['Big', big.length],
      ['Small', 4],
    ]);
  });
});
