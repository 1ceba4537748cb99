// The pictures the cold-start record asks about beside its checks: emblems no species wears, each a near twin of a
// familiar species, so that "not seen" said of them shows a statement that holds for species never met.
import { describe, expect, it } from 'vitest';
import { buildWorld, QUICK_WORLD } from '../../src/main/demo/world/world';
import { lookDistance } from '../../src/main/demo/world/entities';
import { gateSamples, unseenLookalikeLooks } from '../../src/main/demo/pipeline/gates';
import { Random } from '../../src/main/platform/random';

describe('never-shown look-alikes', () => {
  const world = buildWorld(QUICK_WORLD);
  const key = (l: { shape: string; background: string; foreground: string; pattern: string }) =>
    `${l.shape}/${l.background}/${l.foreground}/${l.pattern}`;

  it('are looks no species wears, one trait from a familiar species, each drawn once', () => {
    const worn = new Set([...world.entities, ...world.webOnly].map((e) => key(e.look)));
    const found = unseenLookalikeLooks(world, 48, new Random(3));
    expect(found).toHaveLength(48);
    expect(new Set(found.map((f) => key(f.look))).size).toBe(48);
    for (const { twinOf, look } of found) {
      expect(twinOf.familiar).toBe(true);
      expect(worn.has(key(look))).toBe(false);
      expect(lookDistance(look, twinOf.look)).toBe(1);
      expect(look.background).not.toBe(look.foreground);
    }
    // every kind of trait is changed somewhere
    const changed = new Set(
      found.flatMap(({ twinOf, look }) =>
        (['shape', 'background', 'foreground', 'pattern'] as const).filter((t) => look[t] !== twinOf.look[t]),
      ),
    );
    expect(changed.size).toBe(4);
  });

  it("are asked by picture, drawn the same each time apart from the checks' own questions", async () => {
    const samples = await gateSamples(world, 6, 18);
    expect(samples.unseen).toHaveLength(6);
    for (const s of samples.unseen) {
      expect(s.image?.length).toBeGreaterThan(0);
      expect(s.question).toMatch(/this species/); // by picture: the species is not named
    }
    // Drawn from a stream of their own, after the checks' questions: both repeat exactly.
    const again = await gateSamples(world, 6, 18);
    expect(again.knowledge.map((k) => k.sample.question)).toEqual(samples.knowledge.map((k) => k.sample.question));
    expect(again.unseen.map((s) => s.question)).toEqual(samples.unseen.map((s) => s.question));
  });
});
