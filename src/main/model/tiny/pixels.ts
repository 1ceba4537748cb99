// Image bytes (any format sharp reads) → the tiny VLM's pixel input: [3, S, S] floats in [−1, 1], channel-first.
import sharp from 'sharp';

export async function imageToPixels(bytes: Uint8Array, size: number): Promise<Float32Array> {
  const raw = await sharp(bytes)
    .removeAlpha()
    .resize(size, size, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  const pixels = new Float32Array(3 * size * size);
  for (let i = 0; i < size * size; i++)
    for (let c = 0; c < 3; c++) pixels[c * size * size + i] = raw[i * 3 + c] / 127.5 - 1;
  return pixels;
}
