// JSONL export: one sample per line with its labels; images go beside the file as <sha256>.<ext> in a
// folder named after it, referenced by relative path (so importing the JSONL gives the same images back).
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../storage';

const PAGE = 1000;
const extOf: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
  'image/heif': 'heif',
};

export async function exportJsonl(
  store: Store,
  datasetId: number,
  out: string,
  imagesDir: string,
  onRows: (n: number) => void,
): Promise<number> {
  const fd = fs.openSync(out, 'w');
  const relDir = path.relative(path.dirname(out), imagesDir);
  let madeDir = false;
  let after = -1;
  let written = 0;
  try {
    for (;;) {
      const rows = store.repos.samples.rows(datasetId, after, PAGE);
      if (rows.length === 0) break;
      const labels = store.repos.samples.labelsFor(rows.map((r) => r.id));
      const lines: string[] = [];
      for (const s of rows) {
        let image: string | null = null;
        if (s.image_sha256) {
          const stored = store.repos.images.get(s.image_sha256);
          if (!stored) throw new Error(`Sample ${s.row_index} refers to image ${s.image_sha256}, which is not stored`);
          const name = `${s.image_sha256}.${extOf[stored.mime] ?? 'img'}`;
          if (!madeDir) fs.mkdirSync(imagesDir, { recursive: true });
          madeDir = true;
          const file = path.join(imagesDir, name);
          if (!fs.existsSync(file)) fs.writeFileSync(file, stored.bytes);
          image = path.join(relDir, name).split(path.sep).join('/');
        }
        lines.push(
          JSON.stringify({
            data_id: s.data_id,
            question: s.question,
            answer: s.answer,
            candidate_answers: JSON.parse(s.candidate_answers) as string[],
            image,
            image_url: s.image_url,
            data_source: s.data_source,
            category: s.category,
            split: s.split,
            search_need: s.search_need,
            prompt: s.prompt ? (JSON.parse(s.prompt) as unknown) : undefined,
            labels: (labels.get(s.id) ?? []).map((l) => ({ annotator: l.annotator, label: l.label, note: l.note })),
            ...(s.extra ? (JSON.parse(s.extra) as Record<string, unknown>) : {}),
          }),
        );
      }
      fs.writeSync(fd, lines.join('\n') + '\n');
      written += rows.length;
      after = rows[rows.length - 1].row_index;
      onRows(written);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
