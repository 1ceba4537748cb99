// Synthetic FVQA-like rows for benchmarks and UI tests: questions, answers, candidates, three data sources,
// a search need by construction, and real JPEGs (a few distinct ones, shared by many rows, as in FVQA).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { SearchNeed } from '../../shared/contract';

export async function syntheticJpeg(seed: number, size = 128): Promise<Buffer> {
  const colour = { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 151) % 256 };
  const bandHeight = Math.max(8, Math.round(size / 6));
  const band = await sharp({
    create: {
      width: size,
      height: bandHeight,
      channels: 3,
      background: { r: 255 - colour.r, g: 255 - colour.g, b: 255 - colour.b },
    },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width: size, height: size, channels: 3, background: colour } })
    .composite([{ input: band, left: 0, top: (seed * 17) % (size - bandHeight) }])
    .jpeg({ quality: 80 })
    .toBuffer();
}

const subjects = [
  'bridge',
  'tower',
  'temple',
  'lighthouse',
  'waterfall',
  'castle',
  'beetle',
  'orchid',
  'locomotive',
  'painting',
];
const askings = [
  'What is the name of this',
  'In which country is this',
  'Who designed this',
  'When was this',
  'What species is this',
];

export function syntheticRow(index: number, imageNames: string[]) {
  const subject = subjects[index % subjects.length];
  return {
    data_id: `syn-${index}`,
    question: `${askings[index % askings.length]} ${subject} (number ${index})?`,
    answer: `${subject} ${index}`,
    candidate_answers: [`the ${subject} ${index}`, `${subject} no. ${index}`],
    image: imageNames.length ? imageNames[index % imageNames.length] : undefined,
    data_source: ['fvqa', 'infoseek', 'mmsearch'][index % 3],
    category: subject,
    split: index % 10 === 0 ? 'test' : 'train',
    search_need: SearchNeed.options[index % 4],
  };
}

/** Writes `rows` JSONL rows and `images` JPEG files beside them; returns the JSONL path. */
export async function writeSyntheticJsonl(dir: string, rows: number, images: number): Promise<string> {
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < images; i++) {
    const name = `images/${i}.jpg`;
    fs.writeFileSync(path.join(dir, name), await syntheticJpeg(i + 1));
    names.push(name);
  }
  const file = path.join(dir, `synthetic-${rows}.jsonl`);
  const out = fs.openSync(file, 'w');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(JSON.stringify(syntheticRow(i, names)));
    if (lines.length === 5000 || i === rows - 1) {
      fs.writeSync(out, lines.join('\n') + '\n');
      lines.length = 0;
    }
  }
  fs.closeSync(out);
  return file;
}
