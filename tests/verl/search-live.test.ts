// The exported search tools' live path, against a loopback server speaking SerpApi's and Jina Reader's wire format.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { extractiveSummary } from '../../src/main/search/summarise';
import { removeTempHomes } from '../helpers/home';
import { jpeg } from '../datasets/fixtures';
import { pythonAsync, runExportVerl, seededExportHome } from './fixtures';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  removeTempHomes();
});

const PAGE =
  '# Landmark 7\nLandmark 7 is a tower in the old town. The tower opened in 1901 after ten years of work.\n' +
  'Tickets cost 12 euros. Its architect was A. Builder.';

async function fakeServices(thumbnail: Buffer) {
  const requests: { method: string; url: URL; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d.toString('latin1')));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      requests.push({ method: req.method!, url, body });
      const json = (value: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.method === 'POST' && url.pathname === '/image') return json({ image_id: 'uploaded-1' });
      if (url.pathname === '/search.json' && url.searchParams.get('engine') === 'google_lens') {
        return json({
          search_metadata: { status: 'Success' },
          visual_matches: [
            {
              position: 1,
              title: 'Landmark 7 at dusk',
              link: 'https://example.org/l7',
              thumbnail: `${base}/thumb.jpg`,
            },
            { title: 'no link' },
          ],
        });
      }
      if (url.pathname === '/search.json' && url.searchParams.get('engine') === 'google') {
        return json({
          search_metadata: { status: 'Success' },
          organic_results: [
            { position: 1, title: 'Landmark 7 - history', link: 'https://example.org/l7-history', snippet: 'A tower.' },
          ],
        });
      }
      if (url.pathname.startsWith('/jina/'))
        return json({ code: 200, data: { title: 'Landmark 7 - history', url: url.pathname.slice(6), content: PAGE } });
      if (url.pathname === '/thumb.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(thumbnail);
      res.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('the exported search tools, live', () => {
  it('search a call the cache lacks through SerpApi and Jina Reader with the key from the environment, summarising as SearchLab does', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out)).code).toBe(0);
    const { base, requests } = await fakeServices(await jpeg(70, 24, 24));
    // A sample without a web address: live image search uploads its exported image through SerpApi's Image API.
    const [questionImage] = fs.readdirSync(path.join(out, 'search_tools/question_images'));
    const script = `
import json
from search_tools.text_search import call_text_search
from search_tools.image_search import call_image_search
text, text_stat = call_text_search("when was landmark 7 opened")
image_text, images, image_stat = call_image_search(["sha256:${questionImage.split('.')[0]}"])
sizes = [list(i.size) if hasattr(i, "size") else len(i) for i in images]
print(json.dumps({"text": text, "text_stat": text_stat, "image": image_text, "sizes": sizes, "image_stat": image_stat}))
`;
    const result = JSON.parse(
      await pythonAsync(out, script, {
        SERPAPI_API_KEY: 'test-key',
        SEARCHLAB_SERPAPI_URL: base,
        SEARCHLAB_JINA_URL: `${base}/jina`,
        JINA_API_KEY: 'jina-key',
      }),
    );
    const summary = extractiveSummary('when was landmark 7 opened', PAGE, 3, 600, 'Landmark 7 - history');
    expect(summary).toContain('opened in 1901');
    expect(result.text).toBe(
      '[Text Search Results] Below are the text summaries of the most relevant webpages related to your query, ' +
        `ranked in descending order of relevance:\n1. (https://example.org/l7-history) ${summary}\n`,
    );
    expect(result.text_stat).toMatchObject({ success: true, source: 'serpapi' });
    expect(result.image).toContain(
      '1. image: <|vision_start|><|image_pad|><|vision_end|>\ntitle: Landmark 7 at dusk\n',
    );
    expect(result.image).not.toContain('no link');
    expect(result.sizes).toEqual([[24, 24]]);
    const google = requests.find((r) => r.url.searchParams.get('engine') === 'google')!;
    expect(Object.fromEntries(google.url.searchParams)).toMatchObject({
      q: 'when was landmark 7 opened',
      api_key: 'test-key',
      hl: 'en',
      gl: 'us',
      num: '10',
    });
    expect(requests.find((r) => r.method === 'POST')!.body).toContain('name="api_key"\r\n\r\ntest-key');
    const lens = requests.find((r) => r.url.searchParams.get('engine') === 'google_lens')!;
    expect(Object.fromEntries(lens.url.searchParams)).toMatchObject({
      image_id: 'uploaded-1',
      type: 'visual_matches',
      country: 'us',
    });
    expect(requests.some((r) => r.url.pathname === '/jina/https://example.org/l7-history')).toBe(true);
  });
});

describe('the exported extractive summariser', () => {
  it("picks the same sentences as SearchLab's for the same query and page", async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out)).code).toBe(0);
    const cases = [
      {
        query: 'who designed the towers',
        title: 'Towers',
        text: 'Towers\nThe towers were designed by Émile Dupont. "Quite tall," said a visitor. 3 towers stand today! dr. no split here. Churches nearby.',
      },
      { query: 'Eiffel height', title: '', text: 'Nothing relevant at all. Still nothing? Maybe (not). Été à Paris.' },
      {
        query: 'café opening hours',
        title: 'Café',
        text: `${'Long sentence about the café opening hours and more. '.repeat(30)}`,
      },
      { query: 'x', title: '', text: 'a\n\nb' },
    ];
    const fromPython = JSON.parse(
      await pythonAsync(
        out,
        `import json\nfrom search_tools import live\ncases = json.loads(${JSON.stringify(JSON.stringify(cases))})\n` +
          'print(json.dumps([live.extractive_summary(c["query"], c["text"], c["title"]) for c in cases]))',
      ),
    );
    expect(fromPython).toEqual(cases.map((c) => extractiveSummary(c.query, c.text, 3, 600, c.title)));
  });
});
