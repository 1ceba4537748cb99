// storage.verify: checks the database's integrity and re-hashes every stored image against its address.
// Each batch's "verified" marks are committed on their own, so an interrupted run keeps what it checked.
import { JobParamsByKind } from '../../../shared/contract';
import { sha256Hex } from '../../storage/repositories/images';
import { defineJob } from '../kind';

export const storageVerifyJob = defineJob({
  kind: 'storage.verify',
  params: JobParamsByKind['storage.verify'],
  title: () => 'Verify storage',
  async run(ctx, params) {
    const { db, repos } = ctx.store;
    ctx.progress(0, null, 'Checking database integrity');
    const integrityErrors = repos.stats.integrityErrors();
    const total = repos.images.count();
    const startedAt = Date.now();
    const corrupted: string[] = [];
    let done = 0;
    let after = '';
    ctx.progress(0, total, 'Re-hashing images');
    for (;;) {
      ctx.throwIfCancelled();
      const page = repos.images.page(after, params.batchSize);
      if (page.length === 0) break;
      const intact: string[] = [];
      for (const image of page) {
        if (sha256Hex(image.bytes) === image.sha256) intact.push(image.sha256);
        else corrupted.push(image.sha256);
      }
      db.transaction(() => repos.images.markVerified(intact, startedAt))();
      done += page.length;
      after = page[page.length - 1].sha256;
      ctx.progress(done, total, `Re-hashed ${done} of ${total} images`);
      // Let the cancel flag and the parent's messages through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { images: done, corrupted, integrityErrors };
  },
});
