// A corpus folder is untrusted like a dataset: its documents and the images they name are read from inside the
// folder only, as regular files.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { tempHome, removeTempHomes } from '../helpers/home';
import { readCorpusFolder } from '../../src/main/search/local/folder';

afterEach(removeTempHomes);

describe('corpus folder paths', () => {
  it('reads a well-behaved folder', () => {
    const dir = tempHome('searchlab-corpus-');
    fs.writeFileSync(
      path.join(dir, 'pages.jsonl'),
      JSON.stringify({ title: 'Fuji', body: 'A mountain.', images: [] }) + '\n',
    );
    expect(readCorpusFolder(dir).docs.map((d) => d.title)).toEqual(['Fuji']);
  });

  it('refuses images a JSONL document or a Markdown page names outside the folder', () => {
    const outside = path.join(tempHome('searchlab-elsewhere-'), 'private.png');
    fs.writeFileSync(outside, 'not really a picture');
    const jsonl = tempHome('searchlab-corpus-');
    fs.writeFileSync(
      path.join(jsonl, 'pages.jsonl'),
      JSON.stringify({ title: 'Leak', body: 'text', images: [outside] }) + '\n',
    );
    expect(() => readCorpusFolder(jsonl)).toThrow(/private\.png is outside .*only files inside that folder are read/);
    const markdown = tempHome('searchlab-corpus-');
    fs.writeFileSync(
      path.join(markdown, 'page.md'),
      `# Leak\n\nSome text.\n\n![x](${path.relative(markdown, outside)})\n`,
    );
    expect(() => readCorpusFolder(markdown)).toThrow(/private\.png is outside/);
  });

  it('passes over links and FIFOs among documents without reading or waiting', () => {
    const dir = tempHome('searchlab-corpus-');
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.txt'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.txt')]);
    fs.writeFileSync(path.join(dir, 'real.txt'), 'A real page.');
    expect(readCorpusFolder(dir).docs.map((d) => d.source)).toEqual(['real.txt']);
  });
});
