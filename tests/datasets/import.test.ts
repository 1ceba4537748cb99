import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { asyncBufferFromFile, parquetReadObjects, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { homePaths } from '../../src/main/platform/home';
import { Engine } from '../../src/main/engine/engine';
import { sha256Hex } from '../../src/main/storage/repositories/images';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from './cli';
import { jpeg, verlRows, writeJsonl, writeVerlParquet } from './fixtures';

afterEach(removeTempHomes);

/** Everything a failed import must not have touched. */
function snapshot(home: string): string {
  const db = new Database(homePaths(home).database, { readonly: true });
  try {
    const tables = ['datasets', 'samples', 'images', 'image_thumbs', 'labels'];
    return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
  } finally {
    db.close();
  }
}

function samplesOf(home: string, dataset: string) {
  const db = new Database(homePaths(home).database, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT s.row_index, s.data_id, s.question, s.answer, s.candidate_answers, s.data_source, s.category, s.split,
                s.search_need, s.extra, s.image_url, s.image_sha256, i.bytes AS image
         FROM samples s JOIN datasets d ON d.id = s.dataset_id LEFT JOIN images i ON i.sha256 = s.image_sha256
         WHERE d.name = ? ORDER BY s.row_index`,
      )
      .all(dataset) as {
      row_index: number;
      data_id: string;
      question: string;
      answer: string;
      candidate_answers: string;
      data_source: string;
      category: string;
      image_url: string | null;
      image_sha256: string | null;
      image: Buffer | null;
      split: string | null;
      search_need: string | null;
      extra: string | null;
    }[];
  } finally {
    db.close();
  }
}

async function seededHome(): Promise<{ home: string; dir: string }> {
  const home = tempHome();
  const dir = tempHome('searchlab-data-');
  const file = path.join(dir, 'seed.parquet');
  writeVerlParquet(file, await verlRows(4));
  expect((await cli('import', file, '--dataset', 'seed', '--home', home, '--json')).code).toBe(0);
  return { home, dir };
}

describe('importing veRL / FVQA parquet', () => {
  it('imports every row with its question, answer, candidates, source and JPEG bytes, storing a shared image once', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const file = path.join(dir, 'fvqa_train.parquet');
    const rows = await verlRows(6, 4);
    writeVerlParquet(file, rows);
    const run = await cli('import', file, '--dataset', 'fvqa', '--home', home, '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ dataset: 'fvqa', imported: 6, rejected: [] });
    const stored = samplesOf(home, 'fvqa');
    expect(stored.map((s) => s.question)).toEqual(rows.map((r) => r.question));
    expect(stored.map((s) => s.answer)).toEqual(rows.map((r) => r.answer));
    expect(stored.map((s) => JSON.parse(s.candidate_answers))).toEqual(rows.map((r) => r.candidates));
    expect(stored.map((s) => s.data_source)).toEqual(rows.map((r) => r.dataSource));
    expect(stored[0].image_url).toBe('https://example.org/0.jpg');
    for (const [i, s] of stored.entries()) expect(Buffer.compare(s.image!, rows[i].image!)).toBe(0);
    const listed = (await cli('datasets', '--home', home, '--json')).json();
    expect(listed).toEqual([{ name: 'fvqa', samples: 6, images: 4, labels: {} }]);
  });

  it('round-trips through veRL parquet: export then import gives the same samples and the same image bytes', async () => {
    const { home, dir } = await seededHome();
    const out = path.join(dir, 'export', 'seed_verl.parquet');
    const exported = await cli('export', 'seed', '--format', 'verl', '--out', out, '--home', home, '--json');
    expect(exported.code).toBe(0);
    expect(exported.json()).toMatchObject({ rows: 4, format: 'verl' });

    // The file has veRL's layout, readable by any parquet reader.
    const buffer = await asyncBufferFromFile(out);
    const metadata = await parquetMetadataAsync(buffer);
    expect(parquetSchema(metadata).children.map((c) => c.element.name)).toEqual(
      expect.arrayContaining(['prompt', 'images', 'reward_model', 'data_source', 'image_urls', 'data_id', 'category']),
    );
    const first = ((await parquetReadObjects({ file: buffer, utf8: false, rowEnd: 1 })) as any[])[0];
    expect(first.prompt.at(-1)).toEqual({ role: 'user', content: '<image>What landmark is shown in picture 0?' });
    expect(first.images[0].bytes).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(first.reward_model.candidate_answers)).toEqual(['landmark 0', 'The Landmark 0']);
    expect(first.reward_model.ground_truth).toBe('Landmark 0');

    expect((await cli('import', out, '--dataset', 'again', '--home', home, '--json')).json()).toEqual({
      dataset: 'again',
      imported: 4,
      rejected: [],
    });
    const strip = (rows: ReturnType<typeof samplesOf>) =>
      rows.map(({ image, ...rest }) => ({ ...rest, image: sha256Hex(image!) }));
    expect(strip(samplesOf(home, 'again'))).toEqual(strip(samplesOf(home, 'seed')));
  });

  it('imports a folder of HF parquet shards as one dataset, taking each split from the shard name', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const rows = await verlRows(5);
    fs.mkdirSync(path.join(dir, 'data'));
    writeVerlParquet(path.join(dir, 'data', 'train-00000-of-00002.parquet'), rows.slice(0, 2));
    writeVerlParquet(path.join(dir, 'data', 'train-00001-of-00002.parquet'), rows.slice(2, 4));
    writeVerlParquet(path.join(dir, 'data', 'test-00000-of-00001.parquet'), rows.slice(4));
    expect((await cli('import', dir, '--dataset', 'shards', '--home', home, '--json')).json()).toMatchObject({
      imported: 5,
      rejected: [],
    });
    const db = new Database(homePaths(home).database, { readonly: true });
    expect(db.prepare('SELECT split, count(*) AS n FROM samples GROUP BY split ORDER BY split').all()).toEqual([
      { split: 'test', n: 1 },
      { split: 'train', n: 4 },
    ]);
    db.close();
  });
});

describe('importing HF-datasets parquet', () => {
  it('reads flat columns with an Image feature struct {bytes, path}, an answers list, and GZIP-compressed pages', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const images = await Promise.all([1, 2, 3].map((i) => jpeg(i)));
    const text = (name: string) => ({
      name,
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'OPTIONAL' as const,
    });
    parquetWriteFile({
      filename: path.join(dir, 'validation-00000-of-00001.parquet'),
      codec: 'GZIP',
      compressors: { GZIP: (bytes: Uint8Array) => new Uint8Array(zlib.gzipSync(bytes)) },
      schema: [
        { name: 'schema', num_children: 4 },
        text('question'),
        { name: 'answers', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        text('element'),
        { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        text('path'),
        text('source'),
      ],
      columnData: [
        { name: 'question', data: ['Which bird is this?', 'Which bridge?', 'Which year?'] },
        { name: 'answers', data: [['kestrel', 'common kestrel'], ['Millau Viaduct'], ['1889', 'in 1889']] },
        { name: 'image', data: images.map((b, i) => ({ bytes: new Uint8Array(b), path: `${i}.jpg` })) },
        { name: 'source', data: ['hf', 'hf', 'hf'] },
      ],
    });
    expect((await cli('import', dir, '--dataset', 'hf', '--home', home, '--json')).json()).toEqual({
      dataset: 'hf',
      imported: 3,
      rejected: [],
    });
    const stored = samplesOf(home, 'hf');
    expect(stored.map((s) => [s.question, s.answer, JSON.parse(s.candidate_answers), s.data_source])).toEqual([
      ['Which bird is this?', 'kestrel', ['common kestrel'], 'hf'],
      ['Which bridge?', 'Millau Viaduct', [], 'hf'],
      ['Which year?', '1889', ['in 1889'], 'hf'],
    ]);
    expect(stored.map((s) => sha256Hex(s.image!))).toEqual(images.map((b) => sha256Hex(b)));
    const db = new Database(homePaths(home).database, { readonly: true });
    expect(db.prepare('SELECT DISTINCT split FROM samples').all()).toEqual([{ split: 'validation' }]);
    db.close();
  });
});

describe('importing JSONL and CSV', () => {
  it('reads images given as a relative path, base64, a data URI and an http URL', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const images = await Promise.all([1, 2, 3, 4].map((i) => jpeg(i)));
    fs.mkdirSync(path.join(dir, 'img'));
    fs.writeFileSync(path.join(dir, 'img', 'one.jpg'), images[0]);
    const server = http.createServer((req, res) => {
      if (req.url === '/four.jpg') res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(images[3]);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/four.jpg`;
    try {
      writeJsonl(path.join(dir, 'mixed.jsonl'), [
        { question: 'q1', answer: 'a1', image: 'img/one.jpg', search_need: 'search_free' },
        { question: 'q2', answer: 'a2', image: images[1].toString('base64') },
        { question: 'q3', answer: 'a3', image: `data:image/jpeg;base64,${images[2].toString('base64')}` },
        { question: 'q4', answer: 'a4', image_url: url },
      ]);
      // The image server is on loopback: allowed explicitly (by default such URLs are refused).
      expect(
        (
          await cli(
            'import',
            path.join(dir, 'mixed.jsonl'),
            '--dataset',
            'mixed',
            '--allow-private-urls',
            '--home',
            home,
            '--json',
          )
        ).json(),
      ).toEqual({ dataset: 'mixed', imported: 4, rejected: [] });
      writeJsonl(path.join(dir, 'gone.jsonl'), [
        { question: 'q', answer: 'a', image_url: url.replace('four', 'gone') },
        { question: 'q2', answer: 'a2', image: 'img/missing.jpg' },
      ]);
      expect(
        (
          await cli(
            'import',
            path.join(dir, 'gone.jsonl'),
            '--dataset',
            'gone',
            '--allow-private-urls',
            '--home',
            home,
            '--json',
          )
        ).json().rejected,
      ).toEqual([
        {
          file: 'gone.jsonl',
          row: 1,
          field: 'image_url',
          reason: `fetching ${url.replace('four', 'gone')} gave HTTP 404`,
        },
        { file: 'gone.jsonl', row: 2, field: 'image', reason: 'cannot read image file img/missing.jpg (ENOENT)' },
      ]);
    } finally {
      server.close();
    }
    expect(samplesOf(home, 'mixed').map((s) => s.image_sha256)).toEqual(images.map((b) => sha256Hex(b)));
    // A loopback image URL is fetched here (allowed) but is no URL Google Lens could fetch: the image is uploaded.
    expect(samplesOf(home, 'mixed').map((s) => s.image_url)).toEqual([null, null, null, null]);
  });

  it('reads CSV with a header, image paths and candidate answers separated by |', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    fs.writeFileSync(path.join(dir, 'a.jpg'), await jpeg(9));
    fs.writeFileSync(
      path.join(dir, 'train.csv'),
      'question,answer,candidate_answers,image,data_source\n"Who built it, and when?",Eiffel,Gustave Eiffel|G. Eiffel,a.jpg,web\nWhat colour?,red,,,web\n',
    );
    expect(
      (await cli('import', path.join(dir, 'train.csv'), '--dataset', 'csv', '--home', home, '--json')).json(),
    ).toMatchObject({ imported: 2, rejected: [] });
    const stored = samplesOf(home, 'csv');
    expect(stored[0]).toMatchObject({
      question: 'Who built it, and when?',
      answer: 'Eiffel',
      candidate_answers: '["Gustave Eiffel","G. Eiffel"]',
      data_source: 'web',
    });
    expect(stored[1].image_sha256).toBeNull();
  });

  it('exports JSONL with images beside it and labels inside, and importing that JSONL gives the same samples, bytes and labels', async () => {
    const { home, dir } = await seededHome();
    const engine = Engine.open({ home, face: 'cli' });
    const seedId = (await engine.call('datasets.list', {}))[0].id;
    const ids = (await engine.call('datasets.samples', { datasetId: seedId })).rows.map((r) => r.id);
    await engine.call('labels.set', { sampleId: ids[1], annotator: 'ana', label: 'both', note: 'obscure landmark' });
    await engine.call('labels.set', { sampleId: ids[1], annotator: 'ben', label: 'text_search' });
    await engine.call('labels.set', { sampleId: ids[3], annotator: 'ana', label: 'search_free' });
    await engine.close();
    const out = path.join(dir, 'seed.jsonl');
    expect((await cli('export', 'seed', '--format', 'jsonl', '--out', out, '--home', home)).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'seed_images'))).toHaveLength(4);
    expect((await cli('import', out, '--dataset', 'back', '--home', home, '--json')).json()).toMatchObject({
      imported: 4,
      rejected: [],
    });
    const strip = (rows: ReturnType<typeof samplesOf>) => rows.map(({ image: _i, ...rest }) => rest);
    expect(strip(samplesOf(home, 'back'))).toEqual(strip(samplesOf(home, 'seed')));
    const labelsOf = (dataset: string) => {
      const db = new Database(homePaths(home).database, { readonly: true });
      const rows = db
        .prepare(
          'SELECT s.row_index, l.annotator, l.label, l.note FROM labels l JOIN samples s ON s.id = l.sample_id ' +
            'JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? ORDER BY 1, 2',
        )
        .all(dataset);
      db.close();
      return rows;
    };
    expect(labelsOf('back')).toEqual(labelsOf('seed'));
    expect(labelsOf('back')).toHaveLength(3);
  });

  it('names a label in a JSONL row that is not one of the five', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'badlabel.jsonl');
    writeJsonl(file, [{ question: 'q', answer: 'a', labels: [{ annotator: 'ana', label: 'maybe' }] }]);
    const before = snapshot(home);
    const run = await cli('import', file, '--dataset', 'badlabel', '--home', home, '--json');
    expect(run.json().rejected).toEqual([
      {
        file: 'badlabel.jsonl',
        row: 1,
        field: 'labels[0]',
        reason: expect.stringMatching(/search_free\|image_search/),
      },
    ]);
    expect(snapshot(home)).toBe(before);
  });
});

describe('bad input leaves the database as it was', () => {
  it('refuses a truncated parquet file, naming the file', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'cut.parquet');
    writeVerlParquet(file, await verlRows(3));
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const before = snapshot(home);
    const run = await cli('import', file, '--dataset', 'cut', '--home', home, '--json');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/cut\.parquet.*not a readable parquet file/);
    expect(snapshot(home)).toBe(before);
  });

  it('lists a JSONL line that is not JSON with its row, writes nothing, and imports the good rows only with --skip-bad', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'some-bad.jsonl');
    writeJsonl(file, [
      { question: 'q1', answer: 'a1' },
      '{"question": "q2", "answer": ',
      { question: 'q3', answer: 'a3' },
    ]);
    const before = snapshot(home);
    const run = await cli('import', file, '--dataset', 'partly', '--home', home, '--json');
    expect(run.code).toBe(1);
    expect(run.json()).toEqual({
      dataset: 'partly',
      imported: 0,
      rejected: [{ file: 'some-bad.jsonl', row: 2, field: '(line)', reason: expect.stringMatching(/^not JSON/) }],
    });
    expect(snapshot(home)).toBe(before);
    const skipped = await cli('import', file, '--dataset', 'partly', '--home', home, '--json', '--skip-bad');
    expect(skipped.code).toBe(0);
    expect(skipped.json()).toMatchObject({ imported: 2, rejected: [{ row: 2 }] });
    expect(samplesOf(home, 'partly').map((s) => s.question)).toEqual(['q1', 'q3']);
  });

  it('names the row and field of a missing answer', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'noanswer.parquet');
    writeVerlParquet(file, await verlRows(3), { answerless: [1] });
    const before = snapshot(home);
    const run = await cli('import', file, '--dataset', 'noanswer', '--home', home, '--json');
    expect(run.json().rejected).toEqual([
      { file: 'noanswer.parquet', row: 2, field: 'reward_model.ground_truth', reason: 'missing: no answer' },
    ]);
    expect(snapshot(home)).toBe(before);
  });

  it('names the row and field of an image that is not an image', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'notimage.parquet');
    const rows = await verlRows(3);
    rows[2].image = Buffer.from('this is not a JPEG at all, just text pretending');
    writeVerlParquet(file, rows);
    const before = snapshot(home);
    const run = await cli('import', file, '--dataset', 'notimage', '--home', home, '--json');
    expect(run.json().rejected).toEqual([
      { file: 'notimage.parquet', row: 3, field: 'images[0].bytes', reason: expect.stringMatching(/^not an image/) },
    ]);
    expect(snapshot(home)).toBe(before);
    // A JPEG cut short passes a header check but not a decode.
    const cut = (await jpeg(3, 400, 300)).subarray(0, 600);
    writeJsonl(path.join(dir, 'cut.jsonl'), [{ question: 'q', answer: 'a', image: cut.toString('base64') }]);
    const cutRun = await cli('import', path.join(dir, 'cut.jsonl'), '--dataset', 'cutjpeg', '--home', home, '--json');
    expect(cutRun.json().rejected).toEqual([
      { file: 'cut.jsonl', row: 1, field: 'image', reason: expect.stringMatching(/image/) },
    ]);
    expect(snapshot(home)).toBe(before);
  });

  it('refuses a 2 GB file before reading it, with a message that says what to do', async () => {
    const { home, dir } = await seededHome();
    const file = path.join(dir, 'huge.jsonl');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 2 * 1024 ** 3); // sparse: no disk is used
    const before = snapshot(home);
    const started = Date.now();
    const run = await cli('import', file, '--dataset', 'huge', '--home', home);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/huge\.jsonl: the file is 2\.0 GB, over the import limit of 1\.0 GB; split it/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(snapshot(home)).toBe(before);
  });

  it('refuses a dataset name that is taken', async () => {
    const { home, dir } = await seededHome();
    const run = await cli('import', path.join(dir, 'seed.parquet'), '--dataset', 'seed', '--home', home);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/"seed" already exists/);
  });
});
