// Loopback fakes of the web services the search tools call, answering in the services' documented shapes:
// SerpApi (GET /search.json; google_lens → visual_matches, google → organic_results; POST /image, multipart
// `image` + `api_key` → {message, image_id}), SearXNG (GET /searxng/search?format=json → {query, results…}), Jina Reader
// (GET /{url} with Accept: application/json → {code, status, data:{title, url, content}}), an OpenAI-compatible
// chat endpoint (POST /v1/chat/completions → {choices:[{message:{content}}]}) and thumbnail images.
// Faults are queued per route and used up one request at a time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'truncate' }
  | { kind: 'malformed' }
  | { kind: 'empty' }
  | { kind: 'slow'; ms: number }
  /** A 200 with a text/plain body. */
  | { kind: 'plain'; body: string }
  /** A 200 with this JSON body, whatever shape it has. */
  | { kind: 'json'; body: unknown };

export type Route = 'lens' | 'google' | 'reader' | 'chat' | 'thumb' | 'upload' | 'searxng';

export interface RecordedRequest {
  route: Route;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
  at: number;
}

export interface FakeServices {
  baseUrl: string;
  requests: RecordedRequest[];
  faults: Record<Route, Fault[]>;
  /** Requests in flight now, and the most seen at once. */
  maxConcurrent: number;
  /** image_id → the uploaded file; clearing it makes SerpApi forget them, as after ten minutes. */
  uploads: Map<string, { bytes: Buffer; mime: string }>;
  close(): Promise<void>;
}

/** A small PNG per rank, different colours, so thumbnails have distinct hashes. */
export async function colourPng(i: number, size = 64): Promise<Buffer> {
  const hue = (i * 67) % 360;
  return sharp({ create: { width: size, height: size, channels: 3, background: `hsl(${hue}, 70%, 50%)` } })
    .png()
    .toBuffer();
}

export function lensResponse(base: string, n: number) {
  return {
    search_metadata: { id: 'fake', status: 'Success', json_endpoint: `${base}/searches/fake.json` },
    search_parameters: { engine: 'google_lens', url: 'https://img.example/q.jpg' },
    visual_matches: Array.from({ length: n }, (_, i) => ({
      position: i + 1,
      title: `Visual match ${i + 1}`,
      link: `https://pages.example/match-${i + 1}`,
      source: `pages.example`,
      thumbnail: `${base}/thumb/${i + 1}.png`,
      image: `https://pages.example/full-${i + 1}.jpg`,
    })),
  };
}

export function googleResponse(query: string, n: number) {
  return {
    search_metadata: { id: 'fake', status: 'Success' },
    search_parameters: { engine: 'google', q: query },
    organic_results: Array.from({ length: n }, (_, i) => ({
      position: i + 1,
      title: `Result ${i + 1} about ${query}`,
      link: `https://web.example/page-${i + 1}`,
      displayed_link: `web.example › page-${i + 1}`,
      snippet: `Snippet ${i + 1} mentioning ${query}.`,
    })),
  };
}

/** SearXNG's JSON answer: its own fields, each hit with the engines that found it. */
export function searxngResponse(query: string, n: number) {
  return {
    query,
    number_of_results: 0,
    results: Array.from({ length: n }, (_, i) => ({
      url: `https://web.example/page-${i + 1}`,
      title: `Result ${i + 1} about ${query}`,
      content: `Snippet ${i + 1} mentioning ${query}.`,
      engine: 'duckduckgo',
      parsed_url: ['https', 'web.example', `/page-${i + 1}`, '', '', ''],
      template: 'default.html',
      engines: ['duckduckgo', 'brave'],
      positions: [i + 1],
      score: 2 / (i + 1),
      category: 'general',
    })),
    answers: [],
    corrections: [],
    infoboxes: [],
    suggestions: [],
    unresponsive_engines: [['google', 'timeout']],
  };
}

export async function startFakeServices(
  options: { lensResults?: number; googleResults?: number } = {},
): Promise<FakeServices> {
  const faults: Record<Route, Fault[]> = {
    lens: [],
    google: [],
    reader: [],
    chat: [],
    thumb: [],
    upload: [],
    searxng: [],
  };
  const uploads = new Map<string, { bytes: Buffer; mime: string }>();
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxConcurrent: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function routeOf(url: URL, method: string): Route | null {
    if (url.pathname === '/search.json') return url.searchParams.get('engine') === 'google_lens' ? 'lens' : 'google';
    if (method === 'POST' && url.pathname === '/image') return 'upload';
    if (url.pathname === '/searxng/search') return 'searxng';
    if (url.pathname.startsWith('/thumb/')) return 'thumb';
    if (method === 'POST' && url.pathname === '/v1/chat/completions') return 'chat';
    if (url.pathname.startsWith('/reader/')) return 'reader';
    return null;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, bytes: Buffer) {
    const body = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', base);
    const route = routeOf(url, req.method ?? 'GET');
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    requests.push({ route, url: req.url ?? '', headers: req.headers, body, bytes, at: Date.now() });
    inFlight++;
    state.maxConcurrent = Math.max(state.maxConcurrent, inFlight);
    res.on('close', () => inFlight--);
    const fault = faults[route].shift();
    if (fault?.kind === 'hang') return; // never answers; the client's timeout must fire
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...fault.headers };
      if (fault.retryAfter) headers['retry-after'] = fault.retryAfter;
      res.writeHead(fault.status, headers).end(fault.body ?? JSON.stringify({ error: `Fake failure ${fault.status}` }));
      return;
    }
    if (fault?.kind === 'plain') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(fault.body);
      return;
    }
    if (fault?.kind === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fault.body));
      return;
    }
    if (fault?.kind === 'malformed') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"search_metadata": {"status": "Success"}, "visual_matches": [ {"title": "cut');
      return;
    }
    if (fault?.kind === 'truncate') {
      // Promise more bytes than are sent, then drop the connection: a truncated transfer.
      const full = JSON.stringify(route === 'google' ? googleResponse('x', 5) : lensResponse(base, 5));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
      res.write(full.slice(0, 40));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    const json = (value: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (route === 'upload') {
      // Parsed as the real service would: a multipart form with the file in "image" and the key in "api_key".
      const form = await new Request(base, {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: new Uint8Array(bytes),
      }).formData();
      const image = form.get('image');
      if (!(image instanceof Blob))
        return res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'Missing image parameter.' }));
      if (!['image/jpeg', 'image/png', 'image/webp'].includes(image.type))
        return json({ error: 'Invalid image format. Supported format: jpg, jpeg, png, webp' });
      if (image.size > 500 * 1024) return json({ error: 'Image size exceeds the 500 KB limit.' });
      const imageId = `img${uploads.size + 1}x${Date.now().toString(36)}`;
      uploads.set(imageId, { bytes: Buffer.from(await image.arrayBuffer()), mime: image.type });
      return json({ message: 'Image uploaded successfully.', image_id: imageId });
    }
    if (route === 'searxng') {
      const q = url.searchParams.get('q') ?? '';
      if (url.searchParams.get('format') !== 'json') return res.writeHead(403).end('<html>403 Forbidden</html>');
      return json(searxngResponse(q, options.googleResults ?? 8));
    }
    if (route === 'lens') {
      const imageId = url.searchParams.get('image_id');
      if (imageId !== null && !uploads.has(imageId))
        return res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'Invalid image_id. The uploaded image may have expired.' }));
      if (fault?.kind === 'empty')
        return json({
          search_metadata: { status: 'Success' },
          error: "Google Lens hasn't returned any results for this query.",
        });
      const found = lensResponse(base, options.lensResults ?? 8);
      // type=exact_matches answers in its own list, as SerpApi does.
      if (url.searchParams.get('type') === 'exact_matches') {
        const { visual_matches: matches, ...rest } = found;
        return json({ ...rest, exact_matches: matches });
      }
      return json(found);
    }
    if (route === 'google') {
      const q = url.searchParams.get('q') ?? '';
      if (fault?.kind === 'empty')
        return json({
          search_metadata: { status: 'Success' },
          error: "Google hasn't returned any results for this query.",
        });
      return json(googleResponse(q, options.googleResults ?? 8));
    }
    if (route === 'thumb') {
      const i = Number(/\/thumb\/(\d+)/.exec(url.pathname)?.[1] ?? 0);
      res.writeHead(200, { 'content-type': 'image/png' }).end(await colourPng(i));
      return;
    }
    if (route === 'reader') {
      const page = decodeURIComponent(url.pathname.slice('/reader/'.length));
      const n = /page-(\d+)/.exec(page)?.[1] ?? '?';
      return json({
        code: 200,
        status: 20000,
        data: {
          title: `Page ${n}`,
          description: '',
          url: page,
          content: `Page ${n} is a web page.\n\nThe answer on page ${n} is blue ${n}. Unrelated filler text follows here.`,
          usage: { tokens: 30 },
        },
      });
    }
    const request = JSON.parse(body) as { messages: { content: string }[] };
    const pageUrl = /Page URL: (\S+)/.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? '';
    return json({
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 0,
      model: 'fake-model',
      choices: [
        { index: 0, message: { role: 'assistant', content: `LLM summary of ${pageUrl}` }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  }

  return {
    baseUrl: base,
    requests,
    faults,
    uploads,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    set maxConcurrent(v: number) {
      state.maxConcurrent = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
