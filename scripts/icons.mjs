#!/usr/bin/env node
// `npm run icons`: draws SearchLab's icon set under resources/ from its two SVG sources. resources/icon.svg is
// the drawing; resources/icon-16.svg is the same picture redrawn on the pixel grid for 16 px, where the smooth
// drawing blurs. Writes resources/icons/NxN.png (the Linux sizes, also the window icon and favicon),
// resources/icon.png (1024 px), resources/icon.ico (Windows) and resources/icon.icns (macOS).
// `node scripts/icons.mjs --out DIR` writes the same files under DIR instead.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ICNS_TYPES, writeIcns, writeIco } from './icon-containers.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** One size drawn straight from the vector at that size (no resampling), from the pixel drawing at 16 px. */
async function renderPng(resources, size) {
  const source = path.join(resources, size <= 16 ? 'icon-16.svg' : 'icon.svg');
  const metadata = await sharp(source).metadata();
  const density = (72 * size) / metadata.width;
  return sharp(source, { density }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
}

/** Renders every file of the set from the SVGs in `resources` into `outDir` (resources itself by default). */
export async function drawIconSet(resources = path.join(root, 'resources'), outDir = resources) {
  const pngs = new Map();
  for (const size of PNG_SIZES) pngs.set(size, await renderPng(resources, size));
  fs.mkdirSync(path.join(outDir, 'icons'), { recursive: true });
  for (const [size, png] of pngs) fs.writeFileSync(path.join(outDir, 'icons', `${size}x${size}.png`), png);
  fs.writeFileSync(path.join(outDir, 'icon.png'), pngs.get(1024));
  fs.writeFileSync(path.join(outDir, 'icon.ico'), writeIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  for (const { size } of ICNS_TYPES) if (!pngs.has(size)) throw new Error(`No ${size} px PNG for the .icns`);
  fs.writeFileSync(path.join(outDir, 'icon.icns'), writeIcns((size) => pngs.get(size)));
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --out DIR draws the set elsewhere (the tests compare it with the committed one).
  const outFlag = process.argv.indexOf('--out');
  const out = await drawIconSet(undefined, outFlag >= 0 ? path.resolve(process.argv[outFlag + 1]) : undefined);
  console.log(`Icon set written to ${path.relative(process.cwd(), out) || '.'}`);
}
