// `searchlab search config` and the web engines from the command line, as a user on a headless machine types
// them, in real child processes, against loopback services speaking SerpApi's, Jina Reader's and OpenAI's formats.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';
import { tempHome } from '../helpers/home';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { updateSearchConfig } from '../../src/main/search/config';
import { colourPng } from './fakes';
import { FAKE_KEY, useFakeServices } from './helpers';
import { jinaInsufficientBalance } from './provider-errors';

const services = useFakeServices();

function searchlab(
  home: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'searchlab.mjs'), ...args, '--home', home], {
      cwd: repoRoot,
      env: { ...process.env, SEARCHLAB_LOG: 'warn', SERPAPI_API_KEY: '', SEARCHLAB_SERPAPI_KEY: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

describe('searchlab search config', () => {
  it('sets and reads settings by dotted name, and refuses a name that does not exist', async () => {
    const home = tempHome();
    const set = await searchlab(home, ['search', 'config', 'set', 'serpapi.baseUrl', 'http://127.0.0.1:9/serp']);
    expect(set).toMatchObject({ code: 0, stdout: 'serpapi.baseUrl = "http://127.0.0.1:9/serp"\n' });
    expect((await searchlab(home, ['search', 'config', 'set', 'reliability.backoffCeilingMs', '90000'])).code).toBe(0);
    expect((await searchlab(home, ['search', 'config', 'set', 'summariser.model', '1234'])).stdout).toBe(
      'summariser.model = "1234"\n',
    );
    const got = JSON.parse((await searchlab(home, ['search', 'config', 'get', 'serpapi', '--json'])).stdout);
    expect(got.config).toMatchObject({
      'serpapi.baseUrl': 'http://127.0.0.1:9/serp',
      'serpapi.country': 'us',
      'serpapi.lensType': 'visual_matches',
    });
    const all = JSON.parse((await searchlab(home, ['search', 'config', '--json'])).stdout);
    expect(all.config.reliability.backoffCeilingMs).toBe(90000);
    expect(all.config.summariser.model).toBe('1234');
    const wrong = await searchlab(home, ['search', 'config', 'set', 'serpapi.basUrl', 'x']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Unknown search setting "serpapi.basUrl"');
    const invalid = await searchlab(home, ['search', 'config', 'set', 'engine', 'bing']);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/Invalid search settings: .*engine/);
  });

  it('reads keys from standard input or the environment and never prints them', async () => {
    const home = tempHome();
    const fromStdin = await searchlab(home, ['search', 'config', 'set', 'keys.serpapi', '-'], {
      stdin: `${FAKE_KEY}\n`,
    });
    expect(fromStdin).toMatchObject({ code: 0, stdout: 'Stored keys.serpapi\n' });
    const fromEnv = await searchlab(home, ['search', 'config', 'set', 'keys.jina', '--from-env', 'MY_JINA'], {
      env: { MY_JINA: `${FAKE_KEY}-jina` },
    });
    expect(fromEnv.code).toBe(0);
    const onCommandLine = await searchlab(home, ['search', 'config', 'set', 'keys.summariser', FAKE_KEY]);
    expect(onCommandLine.code).toBe(2);
    expect(onCommandLine.stderr).toContain('never from the command line');
    const listed = await searchlab(home, ['search', 'config', 'get', 'keys', '--json']);
    expect(JSON.parse(listed.stdout).keys).toEqual([
      { name: 'serpapi', set: true, source: 'file', envVar: 'SEARCHLAB_SERPAPI_KEY' },
      { name: 'jina', set: true, source: 'file', envVar: 'SEARCHLAB_JINA_KEY' },
      { name: 'summariser', set: false, source: null, envVar: 'SEARCHLAB_SUMMARISER_KEY' },
    ]);
    const human = await searchlab(home, ['search', 'config']);
    expect(human.stdout).toContain('keys.serpapi = (set, from the key file)');
    for (const out of [fromStdin, fromEnv, onCommandLine, listed, human])
      expect(out.stdout + out.stderr).not.toContain(FAKE_KEY);
    expect((await searchlab(home, ['search', 'config', 'clear', 'keys.jina'])).stdout).toBe(
      'Cleared the stored keys.jina\n',
    );
  });
});

describe('web searches from the command line', () => {
  it('warns about a degraded result, shows it in --json, uploads a local image for Lens, and counts both in the statistics', async () => {
    const home = tempHome();
    const base = services.fakes.baseUrl;
    // Written as the app's Settings page writes them (the previous test covers `config set` itself).
    const store = openStore(homePaths(home).database);
    updateSearchConfig(store, {
      engine: 'serpapi',
      serpapi: { baseUrl: base },
      reader: { baseUrl: `${base}/reader` },
      summariser: { kind: 'extractive' },
      reliability: { maxRetries: 0 },
      prices: { serpapiSearch: 0.01 },
    });
    store.close();
    expect((await searchlab(home, ['search', 'config', 'set', 'keys.serpapi', '-'], { stdin: FAKE_KEY })).code).toBe(0);

    services.fakes.faults.reader.push({ kind: 'status', status: 402, body: JSON.stringify(jinaInsufficientBalance) });
    const text = await searchlab(home, ['search', 'text', 'colour of the sky', '--json']);
    expect(text.code).toBe(0);
    const reply = JSON.parse(text.stdout);
    expect(reply.degraded).toEqual([
      { part: 'reader', message: expect.stringContaining(jinaInsufficientBalance.readableMessage), affected: 5, of: 5 },
    ]);
    expect(text.stderr).toContain(`warning: reader failed on 5 of 5 results: Jina Reader: HTTP 402`);

    const image = path.join(home, 'question.png');
    fs.writeFileSync(image, await colourPng(40, 96));
    const found = await searchlab(home, ['search', 'image', image]);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('1. Visual match 1');
    expect(services.fakes.requests.filter((r) => r.route === 'upload')).toHaveLength(1);

    const stats = await searchlab(home, ['search', 'stats']);
    expect(stats.stdout).toContain('2 entries (1 degraded)');
    expect(stats.stdout).toContain('1 images uploaded for Google Lens; money per provider: serpapi 0.020');
    const json = JSON.parse((await searchlab(home, ['search', 'stats', '--json'])).stdout);
    expect(json).toMatchObject({ entries: 2, degraded: 1, uploads: 1, byProvider: { serpapi: 0.02 } });
    for (const out of [text, found, stats]) expect(out.stdout + out.stderr).not.toContain(FAKE_KEY);
  });
});
