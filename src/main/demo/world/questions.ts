// Questions about the species, each with its search need known by construction:
//   familiar species: answerable without search;
//   "what is this?" about an unfamiliar one: image search (the page found by the picture names it);
//   a fact about an unfamiliar one named in the question: text search;
//   a fact about an unfamiliar one shown only in the picture: image search, then text search.
import { Random } from '../../platform/random';
import type { Attribute, Entity, Question, QuestionKind, SearchNeed } from './types';

const ATTRIBUTES: Attribute[] = ['island', 'year', 'diet'];

const byImage: Record<Attribute, string> = {
  island: 'On which island does this species live?',
  year: 'In which year was this species first described?',
  diet: 'What does this species eat?',
};
const byName: Record<Attribute, (name: string) => string> = {
  island: (name) => `On which island does the ${name} live?`,
  year: (name) => `In which year was the ${name} first described?`,
  diet: (name) => `What does the ${name} eat?`,
};

export function searchNeedOf(familiar: boolean, kind: QuestionKind): SearchNeed {
  if (familiar) return 'search_free';
  if (kind === 'name') return 'image_search';
  return kind === 'attribute_by_name' ? 'text_search' : 'both';
}

export function makeQuestion(
  entity: Entity,
  kind: QuestionKind,
  attribute: Attribute | null,
  variation: number,
  split: Question['split'],
): Question {
  const text =
    kind === 'name'
      ? 'What is the name of this species?'
      : kind === 'attribute_by_image'
        ? byImage[attribute!]
        : byName[attribute!](entity.name);
  const answer = kind === 'name' ? entity.name : String(entity.facts[attribute!]);
  // The bare name ("Velmora") is accepted too, as a human grader would.
  const candidateAnswers = kind === 'name' ? [entity.name.split(' ')[0]] : [];
  return {
    id: `${entity.id}-${kind}-${attribute ?? 'name'}-${variation}`,
    entityId: entity.id,
    kind,
    attribute,
    text,
    answer,
    candidateAnswers,
    searchNeed: searchNeedOf(entity.familiar, kind),
    split,
    variation,
  };
}

/** Every entity gets questions of every kind in turn; a share of the entities (not of questions) is held out for test. */
/** Every kind of question there is about one species. */
export const QUESTION_KINDS: [QuestionKind, Attribute | null][] = [
  ['name', null],
  ...ATTRIBUTES.map((a): [QuestionKind, Attribute] => ['attribute_by_image', a]),
  ...ATTRIBUTES.map((a): [QuestionKind, Attribute] => ['attribute_by_name', a]),
];

export function generateQuestions(
  random: Random,
  entities: readonly Entity[],
  perEntity: number,
  testShare: number,
  testPerEntity = perEntity,
): Question[] {
  const testIds = new Set(
    random
      .fork('test')
      .shuffle(entities.map((e) => e.id))
      .slice(0, Math.round(entities.length * testShare)),
  );
  const questions: Question[] = [];
  let variation = 1;
  const orders = new Map<number, typeof QUESTION_KINDS>();
  for (const entity of entities) {
    const order = random.shuffle(QUESTION_KINDS);
    orders.set(entity.id, order);
    for (let i = 0; i < perEntity; i++) {
      const [kind, attribute] = order[i % order.length];
      questions.push(makeQuestion(entity, kind, attribute, variation++, testIds.has(entity.id) ? 'test' : 'train'));
    }
  }
  // More questions about the held-out species, after all the others, so that the training questions (and so the
  // pre-training and GRPO that use them) stay as they are.
  for (const entity of entities.filter((e) => testIds.has(e.id))) {
    const order = orders.get(entity.id)!;
    for (let i = perEntity; i < testPerEntity; i++) {
      const [kind, attribute] = order[i % order.length];
      questions.push(makeQuestion(entity, kind, attribute, variation++, 'test'));
    }
  }
  return questions;
}
