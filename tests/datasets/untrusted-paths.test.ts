// A dataset is untrusted input: the paths and URLs its rows name are read under one file-access policy.
// Devices and FIFOs are refused (not read forever, not waited on), paths stay inside the dataset's folder unless
// allowed, and image URLs on loopback or link-local addresses are not fetched unless allowed.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from './cli';
import { jpeg, writeJsonl } from './fixtures';
import { readFileSyncWithin, readFileWithin } from '../../src/main/platform/file-access';
import { checkPublicUrl, publicOnlyLookup } from '../../src/main/platform/url-access';
import { Engine } from '../../src/main/engine/engine';

afterEach(removeTempHomes);

async function importRows(rows: object[], ...flags: string[]) {
  const dir = tempHome('searchlab-data-');
  const file = path.join(dir, 'rows.jsonl');
  writeJsonl(file, rows);
  return {
    dir,
    result: await cli('import', file, '--dataset', 'd', '--skip-bad', '--home', tempHome(), '--json', ...flags),
  };
}

describe('paths a dataset names', () => {
  it('refuses /dev/zero: outside the folder, and not a regular file even when outside paths are allowed', async () => {
    const started = Date.now();
    const confined = await importRows([{ question: 'q', answer: 'a', image: '/dev/zero' }]);
    expect(confined.result.json().rejected).toEqual([
      {
        file: 'rows.jsonl',
        row: 1,
        field: 'image',
        reason: expect.stringMatching(/\/dev\/zero is outside .*; only files inside that folder are read/),
      },
    ]);
    const allowed = await importRows([{ question: 'q', answer: 'a', image: '/dev/zero' }], '--allow-paths-outside');
    expect(allowed.result.json().rejected).toEqual([
      {
        file: 'rows.jsonl',
        row: 1,
        field: 'image',
        reason: expect.stringMatching(/not a regular file \(a character device\)/),
      },
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('refuses a FIFO and a link to a device inside the folder without blocking', async () => {
    const dir = tempHome('searchlab-data-');
    execFileSync('mkfifo', [path.join(dir, 'pipe.jpg')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.jpg'));
    writeJsonl(path.join(dir, 'rows.jsonl'), [
      { question: 'q1', answer: 'a', image: 'pipe.jpg' },
      { question: 'q2', answer: 'a', image: 'zero.jpg' },
    ]);
    const result = await cli(
      'import',
      path.join(dir, 'rows.jsonl'),
      '--dataset',
      'd',
      '--skip-bad',
      '--allow-paths-outside',
      '--home',
      tempHome(),
      '--json',
    );
    expect(result.json().rejected).toEqual([
      {
        file: 'rows.jsonl',
        row: 1,
        field: 'image',
        reason: expect.stringMatching(/pipe\.jpg is not a regular file \(a FIFO\)/),
      },
      {
        file: 'rows.jsonl',
        row: 2,
        field: 'image',
        reason: expect.stringMatching(/zero\.jpg is not a regular file \(a character device\)/),
      },
    ]);
  }, 30_000);

  it('refuses a FIFO or a device named as the file to import, and passes over a FIFO among parquet shards', async () => {
    const dir = tempHome('searchlab-data-');
    execFileSync('mkfifo', [path.join(dir, 'rows.jsonl')]);
    for (const input of [path.join(dir, 'rows.jsonl'), '/dev/zero']) {
      const result = await cli('import', input, '--dataset', 'd', '--format', 'jsonl', '--home', tempHome());
      expect(result.code).not.toBe(0);
      expect(result.err).toMatch(/not a regular file or a folder \(a device, a FIFO or a socket\)/);
    }
    const shards = tempHome('searchlab-shards-');
    execFileSync('mkfifo', [path.join(shards, 'train.parquet')]);
    expect((await cli('import', shards, '--dataset', 'd', '--home', tempHome())).err).toMatch(
      /holds no \.parquet or \.pq files/,
    );
  }, 30_000);

  it('keeps image paths inside the dataset folder unless outside paths are allowed', async () => {
    const outside = path.join(tempHome('searchlab-elsewhere-'), 'private.jpg');
    fs.writeFileSync(outside, await jpeg(3));
    const rows = [{ question: 'q', answer: 'a', image: outside }];
    const confined = await importRows(rows);
    expect(confined.result.json()).toMatchObject({
      imported: 0,
      rejected: [{ reason: expect.stringMatching(/is outside/) }],
    });
    const relative = await importRows([
      { question: 'q', answer: 'a', image: path.relative(tempHome('searchlab-data-'), outside) },
    ]);
    expect(relative.result.json()).toMatchObject({ imported: 0 });
    expect((await importRows(rows, '--allow-paths-outside')).result.json()).toMatchObject({
      imported: 1,
      rejected: [],
    });
  }, 30_000);

  it('caps a read by bytes from the opened file, synchronously and not', async () => {
    const dir = tempHome('searchlab-data-');
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(2000));
    const policy = { maxBytes: 1000, confineTo: dir };
    expect(() => readFileSyncWithin('big.bin', dir, policy)).toThrow(/2000 bytes, over the 1000 bytes limit/);
    await expect(readFileWithin('big.bin', dir, policy)).rejects.toThrow(/over the 1000 bytes limit/);
    expect(readFileSyncWithin('big.bin', dir, { maxBytes: 2000, confineTo: dir })).toHaveLength(2000);
    expect(() => readFileSyncWithin('/dev/zero', dir, { maxBytes: 10, confineTo: null })).toThrow(/a character device/);
  });
});

describe('paths a user names', () => {
  it('refuses a device or a FIFO given to an image search, without reading or waiting', async () => {
    const dir = tempHome('searchlab-data-');
    execFileSync('mkfifo', [path.join(dir, 'pipe.jpg')]);
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    try {
      await expect(engine.call('search.run', { tool: 'image_search', imagePath: '/dev/zero' })).rejects.toThrow(
        /Cannot read image \/dev\/zero: .*not a regular file \(a character device\)/,
      );
      await expect(
        engine.call('search.run', { tool: 'image_search', imagePath: path.join(dir, 'pipe.jpg') }),
      ).rejects.toThrow(/not a regular file \(a FIFO\)/);
    } finally {
      await engine.close();
    }
  }, 30_000);
});

describe('URLs a dataset names', () => {
  it('does not fetch loopback or link-local image URLs unless private addresses are allowed', async () => {
    const image = await jpeg(4);
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(image);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pic.jpg`;
    try {
      const refused = await importRows([
        { question: 'q', answer: 'a', image_url: url },
        { question: 'q2', answer: 'a', image_url: 'http://169.254.169.254/latest/meta-data' },
      ]);
      expect(refused.result.json().rejected).toEqual([
        {
          file: 'rows.jsonl',
          row: 1,
          field: 'image_url',
          reason: expect.stringMatching(/loopback, link-local or private address/),
        },
        {
          file: 'rows.jsonl',
          row: 2,
          field: 'image_url',
          reason: expect.stringMatching(/loopback, link-local or private address/),
        },
      ]);
      expect(requests).toBe(0);
      expect(
        (await importRows([{ question: 'q', answer: 'a', image_url: url }], '--allow-private-urls')).result.json(),
      ).toMatchObject({ imported: 1, rejected: [] });
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  }, 30_000);

  it('classifies addresses, IPv4 inside IPv6 included', async () => {
    for (const bad of [
      'http://127.0.0.2/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://172.20.0.1/',
      'http://[fe80::1]/',
      'http://0.0.0.0/',
      'http://localhost/',
    ]) {
      await expect(checkPublicUrl(bad, false), bad).rejects.toThrow(/loopback, link-local or private/);
    }
    await expect(checkPublicUrl('file:///etc/passwd', false)).rejects.toThrow(/only http and https/);
    // The connection resolves the name again and refuses a private answer (a name rebound after the check).
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const connect = (lookup?: ReturnType<typeof publicOnlyLookup>) =>
        new Promise<string>((resolve, reject) =>
          http
            .get({ host: 'localhost', port, path: '/', family: 4, lookup }, (res) => resolve(String(res.statusCode)))
            .on('error', reject),
        );
      expect(await connect()).toBe('200');
      await expect(connect(publicOnlyLookup())).rejects.toThrow(
        /localhost resolves to 127\.0\.0\.1, a loopback, link-local or private address/,
      );
    } finally {
      server.close();
    }
    expect((await checkPublicUrl('http://93.184.215.14/x.jpg', false)).hostname).toBe('93.184.215.14');
  });
});
