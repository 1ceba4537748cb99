import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { sha256Hex } from '../../src/main/storage/repositories/images';
import { tempHome, removeTempHomes } from '../helpers/home';
import { jpeg, writeJsonl } from './fixtures';

afterEach(removeTempHomes);

describe('stored images for the UI', () => {
  it('gives back the exact bytes, a small WebP thumbnail, and clear errors for a bad or unknown hash', async () => {
    const big = await jpeg(5, 640, 480);
    const file = path.join(tempHome('searchlab-data-'), 'one.jsonl');
    writeJsonl(file, [{ question: 'q', answer: 'a', image: big.toString('base64') }]);
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    await engine.call('jobs.start', { kind: 'datasets.import', params: { path: file, dataset: 'one' } });
    await engine.jobs.idle();
    const sha = sha256Hex(big);

    const full = await engine.call('datasets.image', { sha256: sha });
    expect(full.mime).toBe('image/jpeg');
    expect(Buffer.compare(Buffer.from(full.base64, 'base64'), big)).toBe(0);
    const thumb = await engine.call('datasets.image', { sha256: sha, thumb: true });
    const meta = await sharp(Buffer.from(thumb.base64, 'base64')).metadata();
    expect([thumb.mime, meta.format, meta.width, meta.height]).toEqual(['image/webp', 'webp', 224, 168]);

    await expect(engine.call('datasets.image', { sha256: 'ABC' })).rejects.toThrow(/sha256/);
    await expect(engine.call('datasets.image', { sha256: '0'.repeat(64) })).rejects.toThrow(/No image/);
    await engine.close();
  });

  it('makes and keeps a thumbnail for an image stored without one', async () => {
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    const bytes = await jpeg(8, 300, 300);
    const sha = engine.store.repos.images.put(bytes, { mime: 'image/jpeg', width: 300, height: 300 });
    expect(engine.store.repos.thumbs.get(sha)).toBeUndefined();
    const thumb = await engine.call('datasets.image', { sha256: sha, thumb: true });
    expect(thumb.mime).toBe('image/webp');
    expect(engine.store.repos.thumbs.get(sha)).toMatchObject({ width: 224, height: 224 });
    await engine.close();
  });
});
