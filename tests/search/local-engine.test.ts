// The local search engine: ingesting a folder (as a job and as a library call), BM25 text search and
// reverse image search by fingerprint, with clear errors for bad input and nothing half-written.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { readCorpusFolder } from '../../src/main/search/local/folder';
import { ingestCorpus } from '../../src/main/search/local/ingest';
import { LocalSearchEngine, ftsQuery } from '../../src/main/search/local/engine';
import { removeTempHomes, tempHome } from '../helpers/home';
import { drawnImage, writeCorpusFolder } from './corpus';
import { freshStore } from './helpers';

afterEach(removeTempHomes);

describe('corpus ingestion', () => {
  it('reads Markdown, HTML, text and JSONL documents and attaches images by name', async () => {
    const dir = tempHome('corpus-src-');
    await writeCorpusFolder(dir);
    const folder = readCorpusFolder(dir);
    const byTitle = Object.fromEntries(folder.docs.map((d) => [d.title, d]));
    expect(Object.keys(byTitle).sort()).toEqual([
      'Kessra Falls',
      'Orrin Glacier',
      'Tamsin Bridge',
      'Velt Aqueduct',
      'Zorblax Beacon',
    ]);
    expect(byTitle['Zorblax Beacon'].url).toBe('https://demo.example/zorblax');
    expect(byTitle['Zorblax Beacon'].body).not.toContain('#');
    expect(byTitle['Velt Aqueduct'].url).toBe('https://demo.example/velt');
    expect(byTitle['Velt Aqueduct'].body).toContain('forty-two arches');
    expect(byTitle['Velt Aqueduct'].body).not.toContain('ignored()');
    expect(byTitle['Velt Aqueduct'].images).toHaveLength(1);
    expect(byTitle['Kessra Falls'].images?.[0].path).toBe(path.join(dir, 'kessra.png'));
    expect(byTitle['Orrin Glacier'].body).toMatch(/^The Orrin Glacier/);
    // kessra.png belongs to the JSONL row that names it, so it is not indexed a second time on its own.
    expect(folder.images.map((i) => i.source)).toEqual(['standalone-statue.png']);
    expect(folder.skippedFiles).toEqual(['notes.csv']);
  });

  it('attaches the images a Markdown page names, in its front matter or its text', async () => {
    const dir = tempHome('corpus-md-');
    fs.mkdirSync(path.join(dir, 'img'));
    fs.writeFileSync(path.join(dir, 'img', 'a.png'), await drawnImage(11));
    fs.writeFileSync(path.join(dir, 'img', 'b.png'), await drawnImage(12));
    fs.writeFileSync(
      path.join(dir, 'page.md'),
      '---\nimage: img/a.png\n---\n# Page\n\nText ![the b picture](img/b.png) and ![remote](https://x.example/c.png) and ![again](img/a.png).',
    );
    const folder = readCorpusFolder(dir);
    expect(folder.docs[0].images?.map((i) => i.source)).toEqual(['page.md#img/a.png', 'page.md#img/b.png']);
    expect(folder.docs[0].body).toContain('Text the b picture and remote');
    expect(folder.images).toEqual([]);
    fs.writeFileSync(path.join(dir, 'page.md'), '# Page\n\n![gone](img/missing.png)');
    expect(() => readCorpusFolder(dir)).toThrow('page.md: image img/missing.png not found');
  });

  it('names the file, line and field of a bad JSONL row, and writes nothing', async () => {
    const dir = tempHome('corpus-bad-');
    fs.writeFileSync(path.join(dir, 'good.md'), '# Good\n\nA fine document.');
    fs.writeFileSync(
      path.join(dir, 'rows.jsonl'),
      `${JSON.stringify({ title: 'One', body: 'ok' })}\n${JSON.stringify({ body: 'no title here' })}\n`,
    );
    expect(() => readCorpusFolder(dir)).toThrow('rows.jsonl line 2: field "title" is missing or not a string');
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), '{"title": "Broken", "body": \n');
    expect(() => readCorpusFolder(dir)).toThrow(/rows\.jsonl line 1: not valid JSON/);
  });

  it('rejects an unreadable image naming it, before committing anything of that batch', async () => {
    const { store } = freshStore();
    await expect(
      ingestCorpus(
        store,
        {
          docs: [
            {
              source: 'a',
              title: 'A',
              body: 'text a',
              images: [{ bytes: Buffer.from('not an image'), source: 'a.png' }],
            },
          ],
        },
        { name: 'bad' },
      ),
    ).rejects.toThrow(/a\.png: not a readable image/);
    expect(store.repos.corpus.byName('bad')?.documents ?? 0).toBe(0);
    expect(store.repos.corpus.byName('bad')?.status).toBe('ingesting');
    store.close();
  });

  it('resumes an interrupted ingestion without duplicating documents', async () => {
    const { store } = freshStore();
    const docs = Array.from({ length: 30 }, (_, i) => ({
      source: `d${i}`,
      title: `Doc ${i}`,
      body: `Body number ${i} about topic${i % 3}.`,
    }));
    let batches = 0;
    await expect(
      ingestCorpus(
        store,
        { docs },
        {
          name: 'resume',
          batchSize: 10,
          throwIfCancelled: () => {
            if (++batches === 3) throw new Error('cancelled');
          },
        },
      ),
    ).rejects.toThrow('cancelled');
    expect(store.repos.corpus.byName('resume')).toMatchObject({ documents: 20, status: 'ingesting' });
    const result = await ingestCorpus(store, { docs }, { name: 'resume', batchSize: 10 });
    expect(result).toMatchObject({ addedDocuments: 10, skippedDocuments: 20 });
    expect(result.corpus).toMatchObject({ documents: 30, status: 'ready' });
    store.close();
  });

  it('runs as a job with progress and lists the corpus', async () => {
    const dir = tempHome('corpus-src-');
    await writeCorpusFolder(dir);
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    const progress: number[] = [];
    engine.subscribe((e) => {
      if (e.event === 'job.updated' && (e.data as { total: number | null }).total)
        progress.push((e.data as { done: number }).done);
    });
    const job = await engine.call('jobs.start', { kind: 'corpus.ingest', params: { dir, name: 'demo' } });
    await engine.jobs.idle();
    const done = await engine.call('jobs.get', { id: job.id });
    expect(done.status).toBe('succeeded');
    expect(progress.at(-1)).toBe(6);
    const [corpus] = await engine.call('corpus.list', {});
    expect(corpus).toMatchObject({ name: 'demo', status: 'ready', documents: 5, images: 4, source: dir });
    await engine.close();
  });
});

describe('corpus ingestion job, cancelled', () => {
  it('keeps the batches it committed and finishes them on the next run', async () => {
    const dir = tempHome('corpus-many-');
    for (let i = 0; i < 3000; i++)
      fs.writeFileSync(path.join(dir, `doc-${String(i).padStart(4, '0')}.md`), `# Doc ${i}\n\nBody of document ${i}.`);
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    const job = await engine.call('jobs.start', {
      kind: 'corpus.ingest',
      params: { dir, name: 'many', batchSize: 20 },
    });
    await new Promise<void>((resolve) => {
      const stop = engine.subscribe((e) => {
        const j = e.data as { id: number; done: number; total: number | null };
        if (e.event === 'job.updated' && j.id === job.id && j.total && j.done > 0) {
          stop();
          void engine.call('jobs.cancel', { id: job.id }).then(() => resolve());
        }
      });
    });
    await engine.jobs.idle();
    expect((await engine.call('jobs.get', { id: job.id })).status).toBe('cancelled');
    const partial = (await engine.call('corpus.list', {}))[0];
    expect(partial.status).toBe('ingesting');
    expect(partial.documents).toBeGreaterThan(0);
    expect(partial.documents).toBeLessThan(3000);
    expect(partial.documents % 20).toBe(0);
    const again = await engine.call('jobs.start', {
      kind: 'corpus.ingest',
      params: { dir, name: 'many', batchSize: 500 },
    });
    await engine.jobs.idle();
    const done = await engine.call('jobs.get', { id: again.id });
    expect(done.result).toMatchObject({
      addedDocuments: 3000 - partial.documents,
      skippedDocuments: partial.documents,
      corpus: { documents: 3000, status: 'ready' },
    });
    await engine.close();
  });
});

describe('local text search (FTS5 BM25)', () => {
  it('ranks the document that answers the query first and ignores FTS syntax in queries', async () => {
    const { store } = freshStore();
    const dir = tempHome('corpus-src-');
    await writeCorpusFolder(dir);
    await ingestCorpus(store, readCorpusFolder(dir), { name: 'demo' });
    const local = new LocalSearchEngine(store);
    const hits = local.searchText('Who built the Zorblax lighthouse?', 'demo', 5);
    expect(hits[0].title).toBe('Zorblax Beacon');
    expect(hits[0].url).toBe('https://demo.example/zorblax');
    expect(local.searchText('how many arches does the velt aqueduct have', 'demo', 5)[0].title).toBe('Velt Aqueduct');
    expect(local.searchText('glaciers', 'demo', 5)[0].title).toBe('Orrin Glacier');
    expect(() => local.searchText('"unbalanced AND (NEAR OR', 'demo', 5)).not.toThrow();
    expect(ftsQuery('the of and')).toBe('"the" OR "of" OR "and"');
    expect(ftsQuery('the Zorblax')).toBe('"zorblax"');
    expect(() => local.searchText('x', 'nope', 5)).toThrow(/No corpus named "nope" \(known: demo\)/);
    // A second corpus: searches in one never return the other's documents; no corpus named means all of them.
    await ingestCorpus(
      store,
      { docs: [{ source: 'z', title: 'Other Zorblax', body: 'Another Zorblax lighthouse, and the token c1.' }] },
      { name: 'other' },
    );
    expect(local.searchText('zorblax lighthouse', 'demo', 5).map((h) => h.title)).toEqual(['Zorblax Beacon']);
    expect(local.searchText('zorblax lighthouse', 'other', 5).map((h) => h.title)).toEqual(['Other Zorblax']);
    expect(local.searchText('zorblax lighthouse', null, 5)).toHaveLength(2);
    expect(local.searchText('c1', 'demo', 5)).toEqual([]);
    store.close();
  });
});

describe('local reverse image search', () => {
  it('finds the page of a resized, cropped or brightened copy of an indexed image among 200 others', async () => {
    const { store } = freshStore();
    const docs = Array.from({ length: 200 }, (_, i) => ({
      source: `e${i}`,
      title: `Entity ${i}`,
      body: `Entity ${i} facts.`,
      images: [{ bytes: undefined as unknown as Uint8Array, source: `e${i}.png` }],
    }));
    for (const [i, doc] of docs.entries()) doc.images[0].bytes = await drawnImage(100 + i);
    await ingestCorpus(store, { docs }, { name: 'entities' });
    const local = new LocalSearchEngine(store);
    const edits = [
      (b: Buffer) => sharp(b).resize(97).jpeg({ quality: 60 }).toBuffer(),
      (b: Buffer) => sharp(b).extract({ left: 6, top: 6, width: 148, height: 148 }).toBuffer(),
      (b: Buffer) => sharp(b).modulate({ brightness: 1.15 }).jpeg({ quality: 80 }).toBuffer(),
    ];
    for (const target of [0, 7, 23, 51, 88, 120, 151, 199]) {
      const query = await edits[target % 3](await drawnImage(100 + target));
      const hits = await local.searchImage(query, 'entities', 5);
      expect(hits[0].title).toBe(`Entity ${target}`);
      expect(hits).toHaveLength(5);
      expect(hits[0].distance).toBeLessThan(hits[1].distance);
    }
    store.close();
  });
});
