// Which unfamiliar species the knowledge lessons pair with each familiar one ("not seen" beside "seen").
import { describe, expect, it } from 'vitest';
import { buildWorld, QUICK_WORLD } from '../../src/main/demo/world/world';
import { lookDistance } from '../../src/main/demo/world/entities';
import { knowledgePartners } from '../../src/main/demo/pipeline/pretrain';
import { Random } from '../../src/main/platform/random';

describe('knowledge lesson partners', () => {
  const world = buildWorld(QUICK_WORLD);
  const familiar = world.entities.filter((e) => e.familiar);
  const unfamiliar = [...world.entities.filter((e) => !e.familiar), ...world.webOnly];

  it('counts the traits two looks differ in', () => {
    const look = { shape: 'star', background: 'yellow', foreground: 'blue', pattern: 'plain' };
    expect(lookDistance(look, look)).toBe(0);
    expect(lookDistance(look, { ...look, pattern: 'dots' })).toBe(1);
    expect(lookDistance(look, { shape: 'circle', background: 'red', foreground: 'white', pattern: 'dots' })).toBe(4);
  });

  it('picks a look-alike first when asked for one, so "not seen" is taught where emblems are easiest to mix up', () => {
    const random = new Random(1);
    const firsts = familiar.flatMap((f) =>
      Array.from({ length: 10 }, () => knowledgePartners(f, unfamiliar, 2, 1, random)).map((p) =>
        lookDistance(p[0].look, f.look),
      ),
    );
    expect(Math.max(...firsts)).toBeLessThanOrEqual(2);
    // The second partner is any unfamiliar species: on average far less alike.
    const seconds = familiar.map((f) => lookDistance(knowledgePartners(f, unfamiliar, 2, 1, random)[1].look, f.look));
    expect(seconds.reduce((a, b) => a + b, 0) / seconds.length).toBeGreaterThan(2.5);
  });

  it('picks every partner among the look-alikes when asked for as many', () => {
    const random = new Random(2);
    const distances = familiar.flatMap((f) =>
      Array.from({ length: 10 }, () => knowledgePartners(f, unfamiliar, 2, 2, random)).flatMap((p) =>
        p.map((u) => lookDistance(u.look, f.look)),
      ),
    );
    expect(distances).toHaveLength(familiar.length * 20);
    expect(Math.max(...distances)).toBeLessThanOrEqual(2);
  });

  it('draws at random otherwise, as the pre-training did before look-alike partners (the same random stream)', () => {
    const a = new Random(5);
    const b = new Random(5);
    for (const f of familiar)
      expect(knowledgePartners(f, unfamiliar, 2, 0, a)).toEqual([b.pick(unfamiliar), b.pick(unfamiliar)]);
    expect(knowledgePartners(familiar[0], [], 2, 2, a)).toEqual([]);
  });
});
