// Ingestion into a local corpus, as a library function: the folder job, the demo world and tests all call
// ingestCorpus(). Images are fingerprinted outside the transaction (sharp is async), then each batch of
// documents with their images is committed in one transaction. Sources are unique per corpus, so a run that
// was interrupted resumes where it stopped; the corpus is marked ready only when everything is in.
import type { Store } from '../../storage';
import { MAX_IMAGE_BYTES, type Corpus } from '../../../shared/contract';
import { describeImage, fingerprint, thumbnail } from './imagehash';
import { sha256Hex } from '../../storage/repositories/images';
import { readFileSyncWithin } from '../../platform/file-access';

export interface CorpusImageInput {
  /** The image's bytes, or a file to read them from. */
  bytes?: Uint8Array;
  path?: string;
  /** Unique within the corpus; defaults to the path or the owning document's source with an index. */
  source?: string;
  /** Defaults to the owning document's title and URL. */
  title?: string;
  url?: string;
}

export interface CorpusDocInput {
  /** Unique within the corpus (file and line); defaults to "doc:INDEX". */
  source?: string;
  title: string;
  url?: string;
  body: string;
  images?: CorpusImageInput[];
}

export interface IngestOptions {
  name: string;
  description?: string;
  /** The folder it came from, shown in the corpus list. */
  source?: string | null;
  batchSize?: number;
  progress?(done: number, total: number, message: string): void;
  throwIfCancelled?(): void;
}

export interface IngestResult {
  corpus: Corpus;
  addedDocuments: number;
  skippedDocuments: number;
  addedImages: number;
  skippedImages: number;
}

interface PreparedImage {
  source: string;
  title: string;
  url: string;
  imageSha256: string;
  imageBytes: Uint8Array;
  imageMeta: { mime: string; width: number; height: number };
  thumb: { bytes: Buffer; width: number; height: number; mime: string };
  dhash: Buffer;
  embedding: Buffer;
}

function loadImage(image: CorpusImageInput, where: string): Uint8Array {
  if (image.bytes) return image.bytes;
  if (!image.path) throw new Error(`${where}: an image has neither bytes nor a path`);
  try {
    return readFileSyncWithin(image.path, process.cwd(), { maxBytes: MAX_IMAGE_BYTES, confineTo: null });
  } catch (error) {
    throw new Error(`${where}: cannot read image ${image.path}: ${(error as Error).message}`);
  }
}

async function prepareImage(
  image: CorpusImageInput,
  source: string,
  title: string,
  url: string,
): Promise<PreparedImage> {
  const bytes = loadImage(image, source);
  try {
    const [imageMeta, thumb, print] = await Promise.all([describeImage(bytes), thumbnail(bytes), fingerprint(bytes)]);
    return {
      source,
      title,
      url,
      imageSha256: sha256Hex(bytes),
      imageBytes: bytes,
      imageMeta,
      thumb,
      dhash: print.dhash,
      embedding: Buffer.from(print.embedding.buffer, print.embedding.byteOffset, print.embedding.byteLength),
    };
  } catch (error) {
    throw new Error(`${source}: not a readable image (${(error as Error).message})`);
  }
}

function checkDoc(doc: CorpusDocInput, where: string): void {
  if (typeof doc.title !== 'string' || !doc.title.trim()) throw new Error(`${where}: the document has no title`);
  if (typeof doc.body !== 'string') throw new Error(`${where}: the document's body is not text`);
}

/** Adds documents (with their images) and standalone images to a corpus, creating it if needed. */
export async function ingestCorpus(
  store: Store,
  input: { docs: CorpusDocInput[]; images?: CorpusImageInput[] },
  options: IngestOptions,
): Promise<IngestResult> {
  const { repos, db } = store;
  const batchSize = options.batchSize ?? 500;
  // Check everything that can be checked without writing, so bad input writes nothing.
  const sources = new Set<string>();
  input.docs.forEach((doc, i) => {
    const source = doc.source ?? `doc:${i}`;
    checkDoc(doc, source);
    if (sources.has(source)) throw new Error(`${source}: two documents share this source`);
    sources.add(source);
  });
  const corpus = db.transaction(() =>
    repos.corpus.ensure(options.name, options.description ?? '', options.source ?? null),
  )();
  const defaultUrl = (source: string) => `corpus://${options.name}/${source}`;
  const total = input.docs.length + (input.images?.length ?? 0);
  const result = { addedDocuments: 0, skippedDocuments: 0, addedImages: 0, skippedImages: 0 };
  let done = 0;

  for (let start = 0; start < input.docs.length; start += batchSize) {
    options.throwIfCancelled?.();
    const batch = input.docs
      .slice(start, start + batchSize)
      .map((doc, j) => ({ doc, source: doc.source ?? `doc:${start + j}` }));
    const pending = batch.filter((b) => !repos.corpus.hasDoc(corpus.id, b.source));
    const prepared = new Map<string, PreparedImage[]>();
    for (const { doc, source } of pending) {
      const url = doc.url ?? defaultUrl(source);
      prepared.set(
        source,
        await Promise.all(
          (doc.images ?? []).map((img, k) =>
            prepareImage(img, img.source ?? img.path ?? `${source}#image${k}`, img.title ?? doc.title, img.url ?? url),
          ),
        ),
      );
    }
    db.transaction(() => {
      for (const { doc, source } of pending) {
        const docId = repos.corpus.addDoc(corpus.id, {
          source,
          title: doc.title.trim(),
          url: doc.url ?? defaultUrl(source),
          body: doc.body,
        });
        for (const img of prepared.get(source) ?? []) writeImage(store, corpus.id, docId, img);
        result.addedImages += prepared.get(source)?.length ?? 0;
      }
    })();
    result.addedDocuments += pending.length;
    result.skippedDocuments += batch.length - pending.length;
    done += batch.length;
    options.progress?.(done, total, `Ingested ${done} of ${total} documents and images`);
  }

  const images = input.images ?? [];
  for (let start = 0; start < images.length; start += batchSize) {
    options.throwIfCancelled?.();
    const batch = images
      .slice(start, start + batchSize)
      .map((img, j) => ({ img, source: img.source ?? img.path ?? `image:${start + j}` }));
    const pending = batch.filter((b) => !repos.corpus.hasImage(corpus.id, b.source));
    const prepared = await Promise.all(
      pending.map(({ img, source }) =>
        prepareImage(img, source, img.title ?? titleFromSource(source), img.url ?? defaultUrl(source)),
      ),
    );
    db.transaction(() => {
      for (const img of prepared) writeImage(store, corpus.id, null, img);
    })();
    result.addedImages += prepared.length;
    result.skippedImages += batch.length - pending.length;
    done += batch.length;
    options.progress?.(done, total, `Ingested ${done} of ${total} documents and images`);
  }

  db.transaction(() => repos.corpus.markReady(corpus.id))();
  return { corpus: repos.corpus.byName(options.name)!, ...result };
}

function writeImage(store: Store, corpusId: number, docId: number | null, img: PreparedImage): void {
  store.repos.images.put(img.imageBytes, img.imageMeta);
  const thumbSha = store.repos.images.put(img.thumb.bytes, {
    mime: img.thumb.mime,
    width: img.thumb.width,
    height: img.thumb.height,
  });
  store.repos.corpus.addImage(corpusId, {
    docId,
    source: img.source,
    imageSha256: img.imageSha256,
    thumbSha256: thumbSha,
    title: img.title,
    url: img.url,
    dhash: img.dhash,
    embedding: img.embedding,
  });
}

/** "eiffel_tower-at-night.jpg" → "eiffel tower at night". */
export function titleFromSource(source: string): string {
  const base = source.split(/[\\/]/).pop() ?? source;
  return (
    base
      .replace(/\.[^.]+$/, '')
      .replace(/[_-]+/g, ' ')
      .trim() || base
  );
}
