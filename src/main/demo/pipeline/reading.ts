// The demo model's first lesson, before it learns anything about the world: reading. It repeats short lists of
// made-up names, islands, diets and years (random combinations, so no fact is learned). This is what makes it
// able to copy a name or a fact out of a search result later (measured on result lists of unseen names: after
// this drill, 45% copied exactly after 250 steps and 80% after 750; without it, none after 3,000).
import type { TinyVlm } from '../../model';
import type { Random } from '../../platform/random';
import type { TeacherSequence } from '../../rl';
import { DIETS, ISLANDS, KINDS, SYLLABLES_END, SYLLABLES_START } from '../world/vocabulary';

function item(random: Random): string {
  const roll = random.next();
  if (roll < 0.55) return ` ${random.pick(SYLLABLES_START)}${random.pick(SYLLABLES_END)} ${random.pick(KINDS)}`;
  if (roll < 0.7) return ` ${random.pick(ISLANDS)}`;
  if (roll < 0.85) return ` ${random.pick(DIETS)}`;
  return ` ${random.int(1750, 1990)}`;
}

/** `count` drill sequences: a list, a separator, the list again; the loss covers the repetition only. */
export function readingDrill(model: TinyVlm, random: Random, count: number): TeacherSequence[] {
  const separator = model.tokenizer.encode(' |');
  return Array.from({ length: count }, () => {
    const list = model.tokenizer.encode(Array.from({ length: random.int(2, 4) }, () => item(random)).join(','));
    const ids = [...list, ...separator, ...list];
    return { ids, lossMask: ids.map((_, i) => (i >= list.length + separator.length ? 1 : 0)), images: [] };
  });
}
