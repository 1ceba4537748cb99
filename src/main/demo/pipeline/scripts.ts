// The teacher's turns for the demo's SFT cold start. Searching is NOT tied to familiarity here: every training
// question gets a search script or a direct answer by a coin flip, and a direct answer about an unfamiliar
// species is a guess (it cannot know). The model learns to say whether it has seen a species; GRPO must discover
// that searching pays after "I have not seen" and costs after "I have seen".
import type { Question, World } from '../world/types';
import { DIETS, ISLANDS, SYLLABLES_START } from '../world/vocabulary';
import type { Random } from '../../platform/random';
import { given, learned, turnText, type ScriptedTurn } from '../../rl';

// Every first turn opens with what the model knows of the species ("I have seen this species." or not), true by
// construction; the action that follows is the coin flip's. So pre-training teaches the model to say which
// species it knows (as a real model can), while whether to search after saying so is left to GRPO.
export const REASON_SEEN = '<reason>I have seen this species.</reason>';
export const REASON_UNSEEN = '<reason>I have not seen this species.</reason>';
export const REASON_FOUND = '<reason>The search results tell me.</reason>';
export const REASON_FACTS = '<reason>I need facts about this species.</reason>';

/** What a first turn says the model knows of the species. */
export const knowledge = (familiar: boolean): string => (familiar ? REASON_SEEN : REASON_UNSEEN);

/**
 * The baselines' forced turns use the same words the model learned in SFT: direct answering says it has seen
 * the species, the RAG workflow that it has not (it searches whatever it knows).
 */
export const DEMO_WORDING = {
  direct: REASON_SEEN,
  imageSearch: REASON_UNSEEN,
  textSearch: REASON_FACTS,
  answerAfterSearch: REASON_FOUND,
};

const attributeWord: Record<string, string> = { island: 'island', year: 'described', diet: 'eats' };

// A space after each opening tag: names and facts then tokenise as they do inside search results (" Zanion"),
// so copying one out of a result is copying the same tokens.

const ANSWER_ACTION = '<answer>';
const IMAGE_SEARCH_ACTION = '<search><img></search>';
const TEXT_SEARCH_ACTION = '<text_search>';

/** A direct answer about a familiar species. */
export function directAnswer(answer: string): string {
  return `${REASON_SEEN}${ANSWER_ACTION}${answerText(answer)}`;
}

export function answerText(answer: string): string {
  return ` ${answer}</answer>`;
}

/** A first turn that searches by the picture, after saying what the model knows of the species. */
export const imageSearchTurn = (reason: string): string => `${reason}${IMAGE_SEARCH_ACTION}`;

/** A text search turn: a first turn opens with what the model knows, a follow-up with REASON_FACTS. */
export function textSearchTurn(reason: string, name: string, attribute: string | null): string {
  return `${reason}${TEXT_SEARCH_ACTION} ${searchQuery(name, attribute)}</text_search>`;
}

/** A query for a species' page: its name, and the attribute asked for (none for "what is it?"). */
export function searchQuery(name: string, attribute: string | null): string {
  return attribute ? `${name} ${attributeWord[attribute]}` : name;
}

export function answerAfterSearch(answer: string): string {
  return `${REASON_FOUND}${ANSWER_ACTION} ${answer}</answer>`;
}

/**
 * A fact lesson about a familiar species: only the fact is learned. What the model knows and the decision to
 * answer are given, so facts do not bias the decision, and the fact's tokens keep their whole weight in the loss
 * (measured: learning the statement here too halved the facts remembered).
 */
export function factLesson(answer: string): ScriptedTurn {
  return { response: [given(`${REASON_SEEN}${ANSWER_ACTION}`), learned(answerText(answer))] };
}

/** A knowledge lesson: the first words of a first turn, what the model knows of the species, and nothing else. */
export function knowledgeLesson(familiar: boolean): ScriptedTurn {
  return { response: [learned(knowledge(familiar))] };
}

/**
 * A direct answer that is a guess about an unseen species: the statement and the decision to answer are learned,
 * the guess's content (no fact) is not.
 */
export function guessedAnswer(answer: string): ScriptedTurn {
  return { response: [learned(`${REASON_UNSEEN}${ANSWER_ACTION}`), given(answerText(answer))] };
}

/**
 * A reading lesson: what comes after the decision to search (the query, the answer) is learned; what the model
 * knows of the species and the decision are given, so reading teaches neither.
 */
export function readingLesson([first, ...rest]: readonly ScriptedTurn[]): ScriptedTurn[] {
  const text = turnText(first);
  const reason = text.slice(0, text.indexOf('</reason>') + '</reason>'.length);
  const action = [IMAGE_SEARCH_ACTION, TEXT_SEARCH_ACTION].find((a) => text.startsWith(a, reason.length));
  if (!action) throw new Error(`A reading lesson must open with a search, not: ${text}`);
  const decision = reason + action;
  return [
    { ...first, response: [given(decision), learned(text.slice(decision.length))].filter((p) => p.text !== '') },
    ...rest,
  ];
}

/** A plausible wrong answer: what a model that does not know says. */
export function guess(world: World, q: Question, random: Random): string {
  const pickOther = (values: readonly string[]) => random.pick(values.filter((v) => v !== q.answer));
  if (q.kind === 'name') return random.pick(world.entities.filter((e) => e.id !== q.entityId)).name;
  if (q.attribute === 'island') return pickOther(ISLANDS);
  if (q.attribute === 'diet') return pickOther(DIETS);
  return String(random.int(1750, 1990));
}

/**
 * The protocol's reasons the vocabulary is learned from: fixed, not the reasons in use, so that rewording a
 * reason does not change the vocabulary. (Measured: it can change whether the model learns to copy at all —
 * reading-phase RAG 5–7% with merges from other phrases, 25–37% with these.)
 */
const VOCABULARY_REASONS = {
  known: '<reason>I know this species.</reason>',
  image: '<reason>I need to find out which species this is.</reason>',
  found: '<reason>The search results tell me.</reason>',
  facts: '<reason>I need facts about this species.</reason>',
} as const;

/**
 * Every text the tiny model should tokenise well (its BPE merges are learned from these), including samples of
 * the search tools' output. Like a real model's vocabulary, it has words for what it knows: each familiar
 * species' name becomes a token of its own. Any other name stays a few syllable tokens that every species shares
 * ("Zan|ion lizard"), and years stay digits, so a name or year never seen in training can still be written,
 * copied out of a search result token by token.
 */
export function tokenizerCorpus(
  world: World,
  templates: { question: string; afterTool: string },
  toolOutputs: readonly string[] = [],
): string[] {
  const texts = [templates.question, templates.afterTool, ...Object.values(VOCABULARY_REASONS), ...toolOutputs];
  for (const d of world.documents) texts.push(d.title, d.body);
  for (const q of world.questions)
    texts.push(
      q.text,
      textSearchTurn(VOCABULARY_REASONS.facts, world.entities[q.entityId].name, q.attribute ?? 'island'),
    );
  const unfamiliar = [...world.entities, ...world.webOnly].filter((e) => !e.familiar);
  const split = (text: string) => {
    let out = text.replace(/\b(\d)(\d)(\d)(\d)\b/g, '$1 $2 $3 $4');
    for (const e of unfamiliar) out = out.replaceAll(e.name, syllables(e.name));
    return out;
  };
  const familiarNames = world.entities.filter((e) => e.familiar).map((e) => e.name);
  return [...texts.map(split), ...Array.from({ length: 4 }, () => familiarNames.join(', '))];
}

/** "Zanion lizard" → "Zan-ion lizard": a name as separate syllable words, for learning merges. */
function syllables(name: string): string {
  const start = SYLLABLES_START.filter((s) => name.startsWith(s)).sort((a, b) => b.length - a.length)[0];
  return start ? `${start}-${name.slice(start.length)}` : name;
}
