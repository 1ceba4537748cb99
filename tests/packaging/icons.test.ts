// The icon set under resources/: complete, readable by the formats' rules, and what `npm run icons` draws from
// the SVG sources (so an edited SVG without regenerated files fails here).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';

const resources = path.join(repoRoot, 'resources');
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Reads a .ico's directory: each entry's stated size and its PNG bytes. */
function readIco(file: Buffer): { size: number; png: Buffer }[] {
  expect(file.readUInt16LE(0), 'reserved word').toBe(0);
  expect(file.readUInt16LE(2), 'type 1 (icon)').toBe(1);
  return Array.from({ length: file.readUInt16LE(4) }, (_, i) => {
    const entry = 6 + 16 * i;
    const size = file.readUInt8(entry) || 256;
    const length = file.readUInt32LE(entry + 8);
    const offset = file.readUInt32LE(entry + 12);
    return { size, png: file.subarray(offset, offset + length) };
  });
}

/** Reads a .icns's elements: each one's type and data. */
function readIcns(file: Buffer): { type: string; data: Buffer }[] {
  expect(file.toString('ascii', 0, 4)).toBe('icns');
  expect(file.readUInt32BE(4), 'the header states the file length').toBe(file.length);
  const elements: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < file.length;) {
    const length = file.readUInt32BE(at + 4);
    expect(length, `element at byte ${at}`).toBeGreaterThan(8);
    elements.push({ type: file.toString('ascii', at, at + 4), data: file.subarray(at + 8, at + length) });
    at += length;
  }
  return elements;
}

async function pixels(png: Buffer | string): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

describe('the icon set', () => {
  let drawn: string;
  beforeAll(() => {
    drawn = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-icons-'));
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'icons.mjs'), '--out', drawn], { stdio: 'pipe' });
  });
  afterAll(() => fs.rmSync(drawn, { recursive: true, force: true }));

  it('has every PNG size Linux asks for, each the size its name says', async () => {
    for (const size of PNG_SIZES) {
      const file = path.join(resources, 'icons', `${size}x${size}.png`);
      expect(fs.existsSync(file), `${file} is missing: run npm run icons`).toBe(true);
      const { width, height } = await pixels(file);
      expect([width, height], file).toEqual([size, size]);
    }
  });

  it('is what npm run icons draws from the SVG sources, pixel for pixel', async () => {
    const files = ['icon.png', 'icon.ico', 'icon.icns', ...PNG_SIZES.map((s) => `icons/${s}x${s}.png`)];
    for (const name of files.filter((f) => f.endsWith('.png'))) {
      const [committed, fresh] = await Promise.all([
        pixels(path.join(resources, name)),
        pixels(path.join(drawn, name)),
      ]);
      expect(
        committed.data.equals(fresh.data),
        `resources/${name} differs from its SVG source: run npm run icons`,
      ).toBe(true);
    }
    for (const name of files.filter((f) => !f.endsWith('.png'))) {
      expect(fs.readFileSync(path.join(resources, name)).length, `resources/${name}: run npm run icons`).toBe(
        fs.statSync(path.join(drawn, name)).size,
      );
    }
  });

  it('the 16 px icon is the pixel-grid drawing: its magnifier is drawn in solid, unblended colours', async () => {
    const { data } = await pixels(path.join(resources, 'icons', '16x16.png'));
    const amber = [0xf6, 0xb4, 0x2c];
    const at = (x: number, y: number) => Array.from(data.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 3));
    // The lens ring's top edge and the handle, as laid out in resources/icon-16.svg.
    for (const [x, y] of [
      [8, 7],
      [11, 7],
      [7, 9],
      [12, 10],
      [13, 14],
    ])
      expect(at(x, y), `pixel ${x},${y}`).toEqual(amber);
  });

  it('the Windows .ico holds PNGs from 16 to 256 px, each entry the size its directory states', async () => {
    const entries = readIco(fs.readFileSync(path.join(resources, 'icon.ico')));
    expect(entries.map((e) => e.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const { size, png } of entries) {
      const { width, height } = await pixels(png);
      expect([width, height], `.ico entry of ${size} px`).toEqual([size, size]);
    }
  });

  it('the macOS .icns holds a PNG for every size from 16 to 1024 px under its standard type', async () => {
    const sizeOfType: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    };
    const elements = readIcns(fs.readFileSync(path.join(resources, 'icon.icns')));
    expect(elements.map((e) => e.type).sort()).toEqual(Object.keys(sizeOfType).sort());
    for (const { type, data } of elements) {
      const { width, height } = await pixels(data);
      expect([width, height], `.icns element ${type}`).toEqual([sizeOfType[type], sizeOfType[type]]);
    }
  });
});
