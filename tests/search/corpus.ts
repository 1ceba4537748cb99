// Generates a small corpus folder on disk: documents of every supported kind and procedurally drawn images.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** A picture with a shape and colours chosen by `seed`, so every image is distinct and reproducible. */
export async function drawnImage(seed: number, size = 160): Promise<Buffer> {
  const hue = (seed * 97) % 360;
  const x = 20 + ((seed * 37) % 80);
  const y = 20 + ((seed * 53) % 80);
  const svg = `<svg width="${size}" height="${size}" xmlns="http://www.w3.org/2000/svg">
    <rect width="100%" height="100%" fill="hsl(${hue},60%,80%)"/>
    <circle cx="${x}" cy="${y}" r="${25 + (seed % 20)}" fill="hsl(${(hue + 180) % 360},70%,35%)"/>
    <rect x="${size - x - 30}" y="${size - y - 10}" width="40" height="${30 + (seed % 30)}" fill="hsl(${(hue + 90) % 360},80%,45%)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function writeCorpusFolder(dir: string): Promise<void> {
  fs.mkdirSync(path.join(dir, 'nested'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'zorblax.md'),
    '---\nurl: https://demo.example/zorblax\n---\n# Zorblax Beacon\n\n' +
      'The Zorblax Beacon is a lighthouse on the island of Quennor. It was built in 1847 by the engineer Mira Tollan. ' +
      'Its lamp is green.\n',
  );
  fs.writeFileSync(path.join(dir, 'zorblax.png'), await drawnImage(1));
  fs.writeFileSync(
    path.join(dir, 'nested', 'velt.html'),
    '<html><head><title>Velt Aqueduct</title><link rel="canonical" href="https://demo.example/velt"></head>' +
      '<body><h1>Velt Aqueduct</h1><p>The Velt Aqueduct carries water across the Dorn valley. ' +
      'It has <b>forty-two</b> arches.</p><script>ignored()</script></body></html>',
  );
  fs.writeFileSync(
    path.join(dir, 'nested', 'velt.jpg'),
    await sharp(await drawnImage(2))
      .jpeg()
      .toBuffer(),
  );
  fs.writeFileSync(
    path.join(dir, 'orrin.txt'),
    'Orrin Glacier\nThe Orrin Glacier is the longest glacier in the Pellian range, at 31 kilometres.\n',
  );
  fs.writeFileSync(
    path.join(dir, 'more.jsonl'),
    [
      JSON.stringify({
        id: 'k1',
        title: 'Kessra Falls',
        url: 'https://demo.example/kessra',
        body: 'Kessra Falls drop 212 metres into the Amberlake.',
        images: ['kessra.png'],
      }),
      '',
      JSON.stringify({ title: 'Tamsin Bridge', text: 'The Tamsin Bridge is a stone bridge painted red.' }),
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'kessra.png'), await drawnImage(3));
  fs.writeFileSync(path.join(dir, 'standalone-statue.png'), await drawnImage(4));
  fs.writeFileSync(path.join(dir, 'notes.csv'), 'ignored,file\n');
}
