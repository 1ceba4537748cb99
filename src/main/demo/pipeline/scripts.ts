// The teacher's turns for the demo's SFT cold start. Searching is NOT tied to familiarity here: every training
// question gets a search script or a direct answer by a coin flip, and a direct answer about an unfamiliar
// species is a guess (it cannot know). GRPO must discover which species it knows.
import type { Question, World } from '../world/types';
import { DIETS, ISLANDS, SYLLABLES_START } from '../world/vocabulary';
import type { Random } from '../../platform/random';
import { given, learned, turnText, type ScriptedTurn } from '../../rl/sft/scripted';

export const REASON_KNOWN = '<reason>I know this species.</reason>';
export const REASON_IMAGE = '<reason>I need to find out which species this is.</reason>';
export const REASON_FOUND = '<reason>The search results tell me.</reason>';
export const REASON_FACTS = '<reason>I need facts about this species.</reason>';

/** The baselines' forced turns use the same words the model learned in SFT. */
export const DEMO_WORDING = { direct: REASON_KNOWN, imageSearch: REASON_IMAGE, textSearch: REASON_FACTS, answerAfterSearch: REASON_FOUND };

const attributeWord: Record<string, string> = { island: 'island', year: 'described', diet: 'eats' };

// A space after each opening tag: names and facts then tokenise as they do inside search results (" Zanion"),
// so copying one out of a result is copying the same tokens.

export function directAnswer(answer: string): string {
  return `${DIRECT_DECISION}${answerText(answer)}`;
}

/** The part of a direct answer that decides to answer; the answer's text follows it. */
export const DIRECT_DECISION = `${REASON_KNOWN}<answer>`;

export function answerText(answer: string): string {
  return ` ${answer}</answer>`;
}

export const imageSearchTurn = `${REASON_IMAGE}<search><img></search>`;

export function textSearchTurn(name: string, attribute: string | null): string {
  return `${TEXT_SEARCH_DECISION} ${searchQuery(name, attribute)}</text_search>`;
}

/** The part of a text search turn that decides to search; the query follows it. */
export const TEXT_SEARCH_DECISION = `${REASON_FACTS}<text_search>`;

/** A query for a species' page: its name, and the attribute asked for (none for "what is it?"). */
export function searchQuery(name: string, attribute: string | null): string {
  return attribute ? `${name} ${attributeWord[attribute]}` : name;
}

export function answerAfterSearch(answer: string): string {
  return `${REASON_FOUND}<answer> ${answer}</answer>`;
}

/** A fact lesson: the decision to answer is given, the fact is learned (so facts do not bias the decision). */
export function factLesson(answer: string): ScriptedTurn {
  return { response: [given(DIRECT_DECISION), learned(answerText(answer))] };
}

/** A direct answer that is a guess: the decision to answer is learned, the guess's content (no fact) is not. */
export function guessedAnswer(answer: string): ScriptedTurn {
  return { response: [learned(DIRECT_DECISION), given(answerText(answer))] };
}

/** A reading lesson: the decision to search is given, what comes after it (the query, the answer) is learned. */
export function readingLesson([first, ...rest]: readonly ScriptedTurn[]): ScriptedTurn[] {
  const text = turnText(first);
  const decision = text.startsWith(TEXT_SEARCH_DECISION) ? TEXT_SEARCH_DECISION : text;
  return [{ ...first, response: [given(decision), learned(text.slice(decision.length))].filter((p) => p.text !== '') }, ...rest];
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
 * Every text the tiny model should tokenise well (its BPE merges are learned from these), including samples of
 * the search tools' output. Like a real model's vocabulary, it has words for what it knows: each familiar
 * species' name becomes a token of its own. Any other name stays a few syllable tokens that every species shares
 * ("Zan|ion lizard"), and years stay digits, so a name or year never seen in training can still be written,
 * copied out of a search result token by token.
 */
export function tokenizerCorpus(world: World, templates: { question: string; afterTool: string }, toolOutputs: readonly string[] = []): string[] {
  const texts = [templates.question, templates.afterTool, REASON_KNOWN, REASON_IMAGE, REASON_FOUND, REASON_FACTS, ...toolOutputs];
  for (const d of world.documents) texts.push(d.title, d.body);
  for (const q of world.questions) texts.push(q.text, textSearchTurn(world.entities[q.entityId].name, q.attribute ?? 'island'));
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
