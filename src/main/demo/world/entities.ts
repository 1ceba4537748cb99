// Species with distinct looks and names, and facts drawn independently of the look (so a fact can only be
// known by knowing the species, never read off its picture).
import { Random } from '../../platform/random';
import { COLORS, DIETS, ISLANDS, KINDS, PATTERNS, SHAPES, SYLLABLES_END, SYLLABLES_START } from './vocabulary';
import type { Entity, Look } from './types';

export function lookKey(look: Look): string {
  return `${look.shape}/${look.background}/${look.foreground}/${look.pattern}`;
}

/** How many of a look's four traits (shape, two colours, pattern) differ: 1 is a near twin, 4 nothing alike. */
export function lookDistance(a: Look, b: Look): number {
  return (
    Number(a.shape !== b.shape) +
    Number(a.background !== b.background) +
    Number(a.foreground !== b.foreground) +
    Number(a.pattern !== b.pattern)
  );
}

/** `count` species (a share of them familiar), then `webOnly` more that are never familiar. */
export function generateEntities(random: Random, count: number, familiarShare: number, webOnly = 0): Entity[] {
  const colorNames = Object.keys(COLORS);
  const maxLooks = SHAPES.length * colorNames.length * (colorNames.length - 1) * PATTERNS.length;
  const maxNames = SYLLABLES_START.length * SYLLABLES_END.length * KINDS.length;
  if (count + webOnly > Math.min(maxLooks, maxNames) / 4)
    throw new Error(
      `A world can have at most ${Math.floor(Math.min(maxLooks, maxNames) / 4)} species, asked for ${count + webOnly}`,
    );
  const looks = new Set<string>();
  const names = new Set<string>();
  const lookRandom = random.fork('looks');
  const nameRandom = random.fork('names');
  const factRandom = random.fork('facts');
  const familiarIds = new Set(
    random
      .fork('familiar')
      .shuffle([...Array(count).keys()])
      .slice(0, Math.round(count * familiarShare)),
  );
  const entities: Entity[] = [];
  for (let id = 0; id < count + webOnly; id++) {
    let look: Look;
    do {
      const background = lookRandom.pick(colorNames);
      look = {
        shape: lookRandom.pick(SHAPES),
        background,
        foreground: lookRandom.pick(colorNames.filter((c) => c !== background)),
        pattern: lookRandom.pick(PATTERNS),
      };
    } while (looks.has(lookKey(look)));
    looks.add(lookKey(look));
    let name: string;
    do name = `${nameRandom.pick(SYLLABLES_START)}${nameRandom.pick(SYLLABLES_END)} ${nameRandom.pick(KINDS)}`;
    while (names.has(name));
    names.add(name);
    entities.push({
      id,
      name,
      familiar: familiarIds.has(id),
      look,
      facts: { island: factRandom.pick(ISLANDS), year: factRandom.int(1750, 1990), diet: factRandom.pick(DIETS) },
    });
  }
  return entities;
}
