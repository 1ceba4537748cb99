// corpus.ingest: reads a folder of documents and images and adds them to a local search corpus, committing a
// batch at a time; a re-run with the same name resumes (sources already in are skipped).
import path from 'node:path';
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { readCorpusFolder } from '../../search';
import { ingestCorpus } from '../../search';
export const corpusIngestJob = defineJob({
  kind: 'corpus.ingest',
  params: JobParamsByKind['corpus.ingest'],
  title: (p) => `Ingest corpus ${p.name}`,
  async run(ctx, params) {
    ctx.progress(0, null, `Reading ${params.dir}`);
    const folder = readCorpusFolder(params.dir);
    const result = await ingestCorpus(ctx.store, folder, {
      name: params.name,
      description: params.description,
      source: path.resolve(params.dir),
      batchSize: params.batchSize,
      progress: (done, total, message) => ctx.progress(done, total, message),
      throwIfCancelled: () => ctx.throwIfCancelled(),
    });
    return { ...result, skippedFiles: folder.skippedFiles };
  },
});
