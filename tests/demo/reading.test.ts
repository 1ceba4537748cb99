// What the demo model reads with: a vocabulary that lets it write names it has never seen (syllable tokens shared
// by every species, digits for years), and the reading drill that teaches it to copy.
import { describe, expect, it } from 'vitest';
import { buildWorld, QUICK_WORLD } from '../../src/main/demo/world/world';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import {
  tokenizerCorpus,
  answerAfterSearch,
  textSearchTurn,
  imageSearchTurn,
  readingLesson,
  guessedAnswer,
  factLesson,
  knowledgeLesson,
  REASON_FACTS,
  REASON_SEEN,
  REASON_UNSEEN,
} from '../../src/main/demo/pipeline/scripts';
import { scriptedSequence } from '../../src/main/rl/sft/scripted';
import { compileTemplates } from '../../src/main/rl/protocol/templates';
import { drawEmblem } from '../../src/main/demo/world/draw';
import { readingDrill } from '../../src/main/demo/pipeline/reading';
import { DEMO_TEMPLATES } from '../../src/main/demo/pipeline/settings';
import { TINY_MODEL } from '../helpers/run-fixture';
import { Random } from '../../src/main/platform/random';

describe('the demo model vocabulary', () => {
  const world = buildWorld(QUICK_WORLD);
  const model = createTinyVlm({
    corpus: tokenizerCorpus(world, DEMO_TEMPLATES),
    merges: 600,
    seed: 1,
    config: TINY_MODEL,
  });
  const pieces = (text: string) => model.tokenizer.encode(text).map((id) => model.tokenizer.decode([id]));

  it('has a word for each familiar species and writes the others from shared syllables', () => {
    for (const e of world.entities.filter((x) => x.familiar)) expect(pieces(` ${e.name}`)).toHaveLength(2); // name + kind
    const unfamiliar = world.entities.filter((x) => !x.familiar);
    const namesWith = new Map<string, number>();
    for (const e of world.entities)
      for (const piece of new Set(pieces(` ${e.name}`))) namesWith.set(piece, (namesWith.get(piece) ?? 0) + 1);
    const knownWords = new Set(world.entities.filter((x) => x.familiar).map((x) => x.name.split(' ')[0]));
    let piecesSeen = 0;
    let piecesShared = 0;
    for (const e of unfamiliar) {
      const p = pieces(` ${e.name}`);
      // (unless its first word is also a familiar species' first word: "Morumb newt" after "Morumb crab")
      expect(p.length, e.name).toBeGreaterThanOrEqual(knownWords.has(e.name.split(' ')[0]) ? 2 : 3);
      piecesSeen += p.length;
      piecesShared += p.filter((piece) => namesWith.get(piece)! > 1).length;
    }
    // Nearly every piece of an unfamiliar name is part of other species' names too, so the model learns to write
    // it even though it never sees this species in training.
    expect(piecesShared / piecesSeen).toBeGreaterThan(0.85); // 0.90 on the quick world
  });

  it('writes years as digits and a name the same way inside a result and inside an answer or query', () => {
    expect(pieces(' 1849')).toEqual([' 1', '8', '4', '9']);
    const name = world.entities.find((e) => !e.familiar)!.name;
    const inResult = model.tokenizer.encode(`1. ${name}`).slice(-pieces(` ${name}`).length);
    const inAnswer = model.tokenizer.encode(answerAfterSearch(name)).slice(-pieces(` ${name}</answer>`).length, -1);
    const inQuery = model.tokenizer
      .encode(textSearchTurn(REASON_FACTS, name, 'island'))
      .slice(-pieces(` ${name} island</text_search>`).length, -2);
    expect(inAnswer).toEqual(inResult);
    expect(inQuery).toEqual(inResult);
  });
});

describe('the reading drill', () => {
  const world = buildWorld(QUICK_WORLD);
  const model = createTinyVlm({
    corpus: tokenizerCorpus(world, DEMO_TEMPLATES),
    merges: 600,
    seed: 1,
    config: TINY_MODEL,
  });

  it('trains on repeating a list, never on the list itself, and teaches no fact of the world', () => {
    const drill = readingDrill(model, new Random(4), 50);
    expect(drill).toHaveLength(50);
    const separator = model.tokenizer.encode(' |');
    for (const s of drill) {
      const listLength = (s.ids.length - separator.length) / 2;
      const list = s.ids.slice(0, listLength);
      expect(s.ids.slice(listLength, listLength + separator.length)).toEqual(separator);
      expect(s.ids.slice(listLength + separator.length)).toEqual(list);
      expect(s.lossMask).toEqual(s.ids.map((_, i) => (i >= listLength + separator.length ? 1 : 0)));
      expect(s.images).toEqual([]);
    }
    // Items are random combinations: a species' name never appears beside one of its facts.
    const texts = drill.map((s) => model.tokenizer.decode(s.ids));
    for (const e of world.entities) {
      const together = texts.filter(
        (t) => t.includes(e.name) && t.includes(` ${e.facts.island},`) && t.includes(` ${e.facts.diet}`),
      );
      expect(together.length, e.name).toBeLessThan(2);
    }
  });
});

describe('reading lessons and guesses', () => {
  const world = buildWorld(QUICK_WORLD);
  const model = createTinyVlm({
    corpus: tokenizerCorpus(world, DEMO_TEMPLATES),
    merges: 600,
    seed: 1,
    config: TINY_MODEL,
  });
  const templates = compileTemplates(DEMO_TEMPLATES);
  const learned = (s: { ids: number[]; lossMask: number[] }) =>
    model.tokenizer.decode(s.ids.filter((_, i) => s.lossMask[i] === 1));
  const species = world.webOnly[0];
  const tool = {
    text: `Image search results (top 3 visual matches of the question's image):\n1. ${species.name}`,
    images: [],
  };

  it('learn the query and the answer after a search, never what the model knows or the decision to search', async () => {
    const picture = await drawEmblem(species.look, 3);
    const turns = readingLesson([
      { response: imageSearchTurn(REASON_UNSEEN), tool },
      { response: textSearchTurn(REASON_FACTS, species.name, 'diet'), tool },
      { response: answerAfterSearch(species.facts.diet) },
    ]);
    const lesson = await scriptedSequence(
      model,
      { question: 'What does this species eat?', image: picture },
      turns,
      templates,
    );
    expect(learned(lesson)).toBe(
      `${textSearchTurn(REASON_FACTS, species.name, 'diet')}${answerAfterSearch(species.facts.diet)}`,
    );

    const byName = readingLesson([
      { response: textSearchTurn(REASON_UNSEEN, species.name, 'island'), tool },
      { response: answerAfterSearch(species.facts.island) },
    ]);
    const named = await scriptedSequence(
      model,
      { question: `On which island does the ${species.name} live?`, image: picture },
      byName,
      templates,
    );
    expect(learned(named)).toBe(` ${species.name} island</text_search>${answerAfterSearch(species.facts.island)}`);
    // Same tokens as the whole turn: the lesson only moves the loss mask.
    const whole = await scriptedSequence(
      model,
      { question: `On which island does the ${species.name} live?`, image: picture },
      [
        { response: textSearchTurn(REASON_UNSEEN, species.name, 'island'), tool },
        { response: answerAfterSearch(species.facts.island) },
      ],
      templates,
    );
    expect(named.ids).toEqual(whole.ids);
    expect(() => readingLesson([{ response: answerAfterSearch('kelp') }])).toThrow(/must open with a search/);
  });

  it('learn the decision to answer from a guess but not the guessed content', async () => {
    const guess = await scriptedSequence(
      model,
      { question: 'What does this species eat?', image: await drawEmblem(species.look, 4) },
      [guessedAnswer('kelp')],
      templates,
    );
    expect(learned(guess)).toBe(`${REASON_UNSEEN}<answer>`);
    expect(model.tokenizer.decode(guess.ids)).toContain('<answer> kelp</answer>');
  });

  it('teach a familiar fact without what the model knows or the decision to answer', async () => {
    const familiar = world.entities.find((e) => e.familiar)!;
    const lesson = await scriptedSequence(
      model,
      { question: 'What does this species eat?', image: await drawEmblem(familiar.look, 5) },
      [factLesson(familiar.facts.diet)],
      templates,
    );
    expect(learned(lesson)).toBe(` ${familiar.facts.diet}</answer>`);
    expect(model.tokenizer.decode(lesson.ids)).toContain(`${REASON_SEEN}<answer> ${familiar.facts.diet}</answer>`);
  });

  it('teach only whether the model has seen the species', async () => {
    const picture = await drawEmblem(species.look, 6);
    for (const familiar of [true, false]) {
      const lesson = await scriptedSequence(
        model,
        { question: 'What does this species eat?', image: picture },
        [knowledgeLesson(familiar)],
        templates,
      );
      expect(learned(lesson)).toBe(familiar ? REASON_SEEN : REASON_UNSEEN);
      expect(model.tokenizer.decode(lesson.ids).endsWith(familiar ? REASON_SEEN : REASON_UNSEEN)).toBe(true);
    }
  });
});
