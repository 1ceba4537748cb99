// Google Lens on local images: uploaded through a loopback SerpApi Image API (multipart `image` + `api_key`, as
// the official client sends it), searched by image_id, the id reused while valid; a sample's own image URL is
// searched directly; a rollout's image search reaches Lens.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LensUploads, IMAGE_ID_TTL_MS, UPLOAD_MAX_BYTES } from '../../src/main/search/web/lens-uploads';
import { SearchService } from '../../src/main/search/service';
import { searchRolloutTools } from '../../src/main/rl/rollout/search-tools';
import { colourPng, type Route } from './fakes';
import { FAKE_KEY, freshStore, webConfig, webToolbox, useFakeServices } from './helpers';

const services = useFakeServices();

const of = (route: Route) => services.fakes.requests.filter((r) => r.route === route);
const lensParams = (i: number) => new URL(of('lens')[i].url, services.fakes.baseUrl).searchParams;

async function uploadedForm(i: number): Promise<FormData> {
  const r = of('upload')[i];
  return new Request(services.fakes.baseUrl, {
    method: 'POST',
    headers: { 'content-type': String(r.headers['content-type']) },
    body: new Uint8Array(r.bytes),
  }).formData();
}

describe('Google Lens on a local image', () => {
  it('uploads the image once, searches by image_id, reuses the id, and uploads again after it expires', async () => {
    let now = 1_000_000;
    const { store, tools } = webToolbox(
      services.fakes.baseUrl,
      { mode: 'live' },
      { uploads: new LensUploads(() => now) },
    );
    const png = await colourPng(7, 96);
    const first = await tools.imageSearch({ bytes: png });
    expect(first.ok).toBe(true);
    expect(first.results.map((r) => r.title)).toEqual([1, 2, 3, 4, 5].map((i) => `Visual match ${i}`));
    expect(of('upload')).toHaveLength(1);
    const form = await uploadedForm(0);
    expect(form.get('api_key')).toBe(FAKE_KEY);
    const file = form.get('image') as File;
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const imageId = [...services.fakes.uploads.keys()][0];
    expect(Object.fromEntries(lensParams(0))).toEqual({
      engine: 'google_lens',
      image_id: imageId,
      type: 'visual_matches',
      country: 'us',
      hl: 'en',
      api_key: FAKE_KEY,
    });

    now += IMAGE_ID_TTL_MS - 1000;
    await tools.imageSearch({ bytes: png });
    expect(of('upload')).toHaveLength(1);
    expect(lensParams(1).get('image_id')).toBe(imageId);

    now += 2000;
    await tools.imageSearch({ bytes: png });
    expect(of('upload')).toHaveLength(2);
    expect(lensParams(2).get('image_id')).not.toBe(imageId);
    expect(of('lens')).toHaveLength(3);
    expect(store.repos.searchCache.health().uploads).toBe(2);
  });

  it('uploads once for a GRPO group searching the same image at the same time', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { mode: 'live' });
    const png = await colourPng(8, 96);
    const results = await Promise.all(Array.from({ length: 4 }, () => tools.imageSearch({ bytes: png })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(of('upload')).toHaveLength(1);
    expect(new Set(of('lens').map((_, i) => lensParams(i).get('image_id'))).size).toBe(1);
  });

  it('uploads again when SerpApi no longer knows the id', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { mode: 'live' });
    const png = await colourPng(9, 96);
    await tools.imageSearch({ bytes: png });
    services.fakes.uploads.clear();
    const again = await tools.imageSearch({ bytes: png });
    expect(again.ok).toBe(true);
    expect(of('upload')).toHaveLength(2);
    expect(of('lens')).toHaveLength(3);
  });

  it('re-encodes a picture the Image API does not take (a large one, a GIF) as a JPEG within 500 KB', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    // Noise does not compress, so the PNG is well over 500 KB.
    const noise = randomBytes(800 * 800 * 3);
    const big = await sharp(noise, { raw: { width: 800, height: 800, channels: 3 } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(UPLOAD_MAX_BYTES);
    const gif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#36c' } })
      .gif()
      .toBuffer();
    for (const bytes of [big, gif]) expect((await tools.imageSearch({ bytes })).ok).toBe(true);
    for (const i of [0, 1]) {
      const file = (await uploadedForm(i)).get('image') as File;
      expect(file.type).toBe('image/jpeg');
      expect(file.size).toBeLessThanOrEqual(UPLOAD_MAX_BYTES);
      expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).format).toBe('jpeg');
    }
  });

  it("searches a sample's own image URL without uploading, with Lens's country and type", async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      serpapi: { baseUrl: services.fakes.baseUrl, hl: 'fr', gl: 'us', country: 'fr', lensType: 'exact_matches' },
    });
    const result = await tools.imageSearch({ bytes: await colourPng(10, 96), url: 'https://img.example/sample.jpg' });
    expect(result.ok).toBe(true);
    expect(result.results).toHaveLength(5);
    expect(of('upload')).toHaveLength(0);
    expect(Object.fromEntries(lensParams(0))).toMatchObject({
      engine: 'google_lens',
      url: 'https://img.example/sample.jpg',
      type: 'exact_matches',
      country: 'fr',
      hl: 'fr',
    });
  });

  it('uploads the image when Google cannot fetch its URL (no results, or an error about the URL)', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { mode: 'live' });
    // SerpApi's answer when Google Lens could not fetch the image at the URL (a private host, a dead link).
    services.fakes.faults.lens.push({
      kind: 'json',
      body: {
        search_metadata: { id: 'fake', status: 'Success' },
        search_parameters: { engine: 'google_lens', url: 'https://intranet.example/cat.jpg' },
        search_information: { images_results_state: 'Fully empty' },
        error: "Google Lens hasn't returned any results for this query.",
      },
    });
    const png = await colourPng(13, 96);
    const first = await tools.imageSearch({ bytes: png, url: 'https://intranet.example/cat.jpg' });
    expect(first.ok).toBe(true);
    expect(first.results).toHaveLength(5);
    expect(lensParams(0).get('url')).toBe('https://intranet.example/cat.jpg');
    expect(of('upload')).toHaveLength(1);
    expect(lensParams(1).get('image_id')).toBe([...services.fakes.uploads.keys()][0]);

    services.fakes.faults.lens.push({
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: 'Unable to fetch the image from the provided url.' }),
    });
    const second = await tools.imageSearch({ bytes: png, url: 'https://dead.example/cat.jpg' });
    expect(second.ok).toBe(true);
    expect(lensParams(2).get('url')).toBe('https://dead.example/cat.jpg');
    // The image was uploaded a moment ago: its id is reused.
    expect(lensParams(3).get('image_id')).toBe(lensParams(1).get('image_id'));
    expect(of('upload')).toHaveLength(1);
    expect(of('lens')).toHaveLength(4);

    // A local path stored as a sample's URL (by an older import) is not sent to Lens: the image is uploaded.
    await tools.imageSearch({ bytes: await colourPng(14, 96), url: 'imgs/1.jpg' });
    expect(lensParams(4).get('url')).toBeNull();
    expect(lensParams(4).get('image_id')).not.toBeNull();
    expect(of('upload')).toHaveLength(2);
  });

  it("reports an upload SerpApi refuses with SerpApi's message", async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    services.fakes.faults.upload.push({
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: 'Invalid image format. Supported format: jpg, jpeg, png, webp' }),
    });
    const result = await tools.imageSearch({ bytes: await colourPng(11, 96) });
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Invalid image format. Supported format: jpg, jpeg, png, webp');
    expect(of('lens')).toHaveLength(0);
  });
});

describe('rollouts', () => {
  it("a rollout's image search reaches Lens: by the sample's URL when it has one, else by upload", async () => {
    const { home, store } = freshStore();
    const service = new SearchService({ store, home, env: {} });
    service.updateConfig(webConfig(services.fakes.baseUrl, { mode: 'live' }));
    service.secrets.set('serpapi', FAKE_KEY);
    const tools = searchRolloutTools(store, home, { engine: 'serpapi' });
    const sample = {
      sampleId: 1,
      question: 'What is this?',
      image: await colourPng(12, 96),
      groundTruth: 'x',
      candidateAnswers: [],
      need: null,
    };
    const byUrl = await tools.imageSearch({ ...sample, imageUrl: 'https://img.example/row-1.jpg' });
    const byUpload = await tools.imageSearch(sample);
    expect([byUrl.ok, byUpload.ok]).toEqual([true, true]);
    expect(lensParams(0).get('url')).toBe('https://img.example/row-1.jpg');
    expect(lensParams(1).get('image_id')).toBe([...services.fakes.uploads.keys()][0]);
    expect(of('upload')).toHaveLength(1);
  });
});
