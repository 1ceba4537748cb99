import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { buildWorld, QUICK_WORLD } from '../../src/main/demo/world/world';
import { drawEmblem, IMAGE_SIZE } from '../../src/main/demo/world/draw';
import { searchNeedOf } from '../../src/main/demo/world/questions';

describe('the demo world', () => {
  const world = buildWorld(QUICK_WORLD);

  it('is the same for the same seed and different for another', () => {
    expect(buildWorld(QUICK_WORLD)).toEqual(world);
    expect(buildWorld({ ...QUICK_WORLD, seed: 8 }).entities.map((e) => e.name)).not.toEqual(
      world.entities.map((e) => e.name),
    );
  });

  it('gives every species a distinct name and a distinct look', () => {
    expect(new Set(world.entities.map((e) => e.name)).size).toBe(world.entities.length);
    expect(new Set(world.entities.map((e) => JSON.stringify(e.look))).size).toBe(world.entities.length);
  });

  it('puts web-only species in the search corpus but in no question, and never makes them familiar', () => {
    expect(world.webOnly).toHaveLength(QUICK_WORLD.webOnlySpecies);
    const all = [...world.entities, ...world.webOnly];
    expect(new Set(all.map((e) => e.name)).size).toBe(all.length);
    expect(new Set(all.map((e) => JSON.stringify(e.look))).size).toBe(all.length);
    expect(all.map((e) => e.id)).toEqual([...all.keys()]);
    expect(world.documents.map((d) => d.title)).toEqual(all.map((e) => e.name));
    const asked = new Set(world.questions.map((q) => q.entityId));
    expect(world.webOnly.filter((e) => asked.has(e.id) || e.familiar)).toEqual([]);
    // Adding them leaves the questioned species and their questions as they were.
    const without = buildWorld({ ...QUICK_WORLD, webOnlySpecies: 0 });
    expect(without.entities).toEqual(world.entities);
    expect(without.questions).toEqual(world.questions);
  });

  it('makes the requested share of species familiar', () => {
    expect(world.entities.filter((e) => e.familiar).length).toBe(
      Math.round(QUICK_WORLD.entities * QUICK_WORLD.familiarShare),
    );
  });

  it('labels search need by construction', () => {
    for (const q of world.questions) {
      const entity = world.entities[q.entityId];
      expect(q.searchNeed).toBe(searchNeedOf(entity.familiar, q.kind));
      if (q.kind === 'attribute_by_name') expect(q.text).toContain(entity.name);
      else expect(q.text).not.toContain(entity.name);
    }
    const needs = new Set(world.questions.map((q) => q.searchNeed));
    expect([...needs].sort()).toEqual(['both', 'image_search', 'search_free', 'text_search']);
  });

  it('answers each question from its species page, which the search engine indexes', () => {
    for (const q of world.questions.filter((q) => q.kind !== 'name'))
      expect(world.documents[q.entityId].body).toContain(q.answer);
    for (const q of world.questions.filter((q) => q.kind === 'name'))
      expect(world.documents[q.entityId].title).toBe(q.answer);
  });

  it('holds out whole species for the test split', () => {
    const testEntities = new Set(world.questions.filter((q) => q.split === 'test').map((q) => q.entityId));
    const trainEntities = new Set(world.questions.filter((q) => q.split === 'train').map((q) => q.entityId));
    expect([...testEntities].filter((id) => trainEntities.has(id))).toEqual([]);
    expect(testEntities.size).toBe(Math.round(QUICK_WORLD.entities * QUICK_WORLD.testShare));
  });

  it('asks the held-out species more questions without changing the training ones', () => {
    const fewer = buildWorld({ ...QUICK_WORLD, testQuestionsPerEntity: undefined });
    expect(world.questions.filter((q) => q.split === 'train')).toEqual(
      fewer.questions.filter((q) => q.split === 'train'),
    );
    const test = world.questions.filter((q) => q.split === 'test');
    expect(test).toHaveLength(
      Math.round(QUICK_WORLD.entities * QUICK_WORLD.testShare) * QUICK_WORLD.testQuestionsPerEntity!,
    );
    expect(new Set(test.map((q) => q.id)).size).toBe(test.length); // every one with a picture of its own
    expect(new Set(test.map((q) => `${q.entityId}-${q.kind}-${q.attribute}`)).size).toBe(test.length / 2); // each kind twice
  });

  it('draws a question picture that differs from the indexed picture but stays close to it', async () => {
    const look = world.entities[0].look;
    const pixels = async (variation: number) =>
      sharp(await drawEmblem(look, variation))
        .removeAlpha()
        .raw()
        .toBuffer();
    const [canonical, variant, other] = await Promise.all([
      pixels(0),
      pixels(5),
      sharp(await drawEmblem(world.entities[1].look, 0))
        .removeAlpha()
        .raw()
        .toBuffer(),
    ]);
    expect(canonical.length).toBe(IMAGE_SIZE * IMAGE_SIZE * 3);
    const distance = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    expect(distance(canonical, variant)).toBeGreaterThan(0);
    expect(distance(canonical, variant)).toBeLessThan(distance(canonical, other));
  });
});
