// Draws an entity's emblem as SVG, rendered to PNG by sharp. Variation 0 is the canonical picture (indexed by
// the local image search); other variations move, turn, scale and recolour it slightly and add specks, so a
// question's picture is never the indexed file but is still recognisably the same species.
import sharp from 'sharp';
import { Random } from '../../platform/random';
import { COLORS } from './vocabulary';
import type { Look } from './types';

export const IMAGE_SIZE = 96;

function polygon(sides: number, radius: number, rotation = -Math.PI / 2): string {
  return Array.from({ length: sides }, (_, i) => {
    const a = rotation + (i * 2 * Math.PI) / sides;
    return `${(radius * Math.cos(a)).toFixed(2)},${(radius * Math.sin(a)).toFixed(2)}`;
  }).join(' ');
}

function star(points: number, outer: number, inner: number): string {
  return Array.from({ length: points * 2 }, (_, i) => {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / points;
    return `${(r * Math.cos(a)).toFixed(2)},${(r * Math.sin(a)).toFixed(2)}`;
  }).join(' ');
}

function shapeElement(shape: string, fill: string): string {
  const r = 30;
  switch (shape) {
    case 'circle':
      return `<circle r="${r}" fill="${fill}"/>`;
    case 'square':
      return `<rect x="${-r * 0.85}" y="${-r * 0.85}" width="${r * 1.7}" height="${r * 1.7}" fill="${fill}"/>`;
    case 'triangle':
      return `<polygon points="${polygon(3, r * 1.1)}" fill="${fill}"/>`;
    case 'diamond':
      return `<polygon points="${polygon(4, r * 1.05)}" fill="${fill}"/>`;
    case 'pentagon':
      return `<polygon points="${polygon(5, r)}" fill="${fill}"/>`;
    case 'hexagon':
      return `<polygon points="${polygon(6, r)}" fill="${fill}"/>`;
    case 'star':
      return `<polygon points="${star(5, r * 1.1, r * 0.45)}" fill="${fill}"/>`;
    case 'cross':
      return `<path d="M-10,-30 H10 V-10 H30 V10 H10 V30 H-10 V10 H-30 V-10 H-10 Z" fill="${fill}"/>`;
    default:
      throw new Error(`Unknown shape ${shape}`);
  }
}

function patternDefs(pattern: string, ink: string): string {
  const tile = (size: number, body: string) =>
    `<pattern id="p" width="${size}" height="${size}" patternUnits="userSpaceOnUse">${body}</pattern>`;
  switch (pattern) {
    case 'plain':
      return '';
    case 'stripes':
      return tile(10, `<rect width="10" height="4" fill="${ink}"/>`);
    case 'bars':
      return tile(10, `<rect width="4" height="10" fill="${ink}"/>`);
    case 'dots':
      return tile(10, `<circle cx="5" cy="5" r="2.2" fill="${ink}"/>`);
    case 'rings':
      return tile(14, `<circle cx="7" cy="7" r="4" fill="none" stroke="${ink}" stroke-width="1.8"/>`);
    case 'checks':
      return tile(
        12,
        `<rect width="6" height="6" fill="${ink}"/><rect x="6" y="6" width="6" height="6" fill="${ink}"/>`,
      );
    default:
      throw new Error(`Unknown pattern ${pattern}`);
  }
}

function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.max(0, Math.min(255, Math.round(((n >> shift) & 255) + amount)));
  return `#${[16, 8, 0].map((s) => channel(s).toString(16).padStart(2, '0')).join('')}`;
}

export function emblemSvg(look: Look, variation: number): string {
  const random = new Random(variation * 7919 + 17);
  const jitter = variation === 0 ? 0 : 1;
  const dx = jitter * random.range(-2, 2);
  const dy = jitter * random.range(-2, 2);
  const angle = jitter * random.range(-3, 3);
  const scale = 1 + jitter * random.range(-0.03, 0.03);
  const background = shade(COLORS[look.background], jitter * random.range(-10, 10));
  const foreground = shade(COLORS[look.foreground], jitter * random.range(-10, 10));
  const ink = look.background === 'black' || look.foreground === 'black' ? '#ffffff' : '#111111';
  const specks =
    variation === 0
      ? ''
      : Array.from(
          { length: 6 },
          () =>
            `<circle cx="${random.range(0, IMAGE_SIZE).toFixed(1)}" ` +
            `cy="${random.range(0, IMAGE_SIZE).toFixed(1)}" ` +
            `r="${random.range(0.8, 1.8).toFixed(1)}" fill="${shade(background, 60)}"/>`,
        ).join('');
  const defs = patternDefs(look.pattern, ink);
  const fill = defs ? 'url(#p)' : foreground;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${IMAGE_SIZE}" height="${IMAGE_SIZE}" viewBox="0 0 ${IMAGE_SIZE} ${IMAGE_SIZE}">
<defs>${defs}</defs>
<rect width="100%" height="100%" fill="${background}"/>${specks}
<g transform="translate(${IMAGE_SIZE / 2 + dx},${IMAGE_SIZE / 2 + dy}) rotate(${angle}) scale(${scale})">
${shapeElement(look.shape, foreground)}${defs ? shapeElement(look.shape, fill) : ''}
</g></svg>`;
}

export async function drawEmblem(look: Look, variation: number): Promise<Buffer> {
  return sharp(Buffer.from(emblemSvg(look, variation)))
    .png({ compressionLevel: 9 })
    .toBuffer();
}
