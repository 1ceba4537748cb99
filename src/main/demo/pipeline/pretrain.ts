// Stage 2 of the demo: a tiny VLM that SearchLab builds and trains itself. It learns the familiar species (their
// pictures, names and facts) and the search protocol from scripted conversations whose tool outputs come from
// the real local search engine (so the search cache is warm for GRPO afterwards).
import path from 'node:path';
import type { Store } from '../../storage';
import { Random } from '../../platform/random';
import { createTinyVlm, saveTinyVlm, Policy, type TinyVlm, type CreateOptions } from '../../model/tiny/vlm';
import type { ToolCallResult } from '../../../shared/contract';
import { compileTemplates } from '../../rl/protocol/templates';
import { DEMO_MODEL, DEMO_TEMPLATES } from './settings';
import { writeTemplates } from '../../rl/train/state';
import { scriptedSequence, type ScriptedTurn, type TeacherSequence } from '../../rl/sft/scripted';
import { trainSft } from '../../rl/sft/train';
import { SearchService } from '../../search/service';
import type { World, Question } from '../world/types';
import { drawEmblem } from '../world/draw';
import { makeQuestion, QUESTION_KINDS } from '../world/questions';
import { answerAfterSearch, directAnswer, guess, imageSearchTurn, textSearchTurn, tokenizerCorpus } from './scripts';
import type { StageHooks } from './workspace';

export interface PretrainOptions {
  corpus: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Share of training questions scripted with search (the rest answer directly). */
  searchShare: number;
  /** Epochs over the short direct-answer conversations before the whole mixture (they teach the facts). */
  factEpochs: number;
  model?: CreateOptions['config'];
}

/** Where the demo's pre-trained model is saved. */
export const demoModelFolder = (home: string): string => path.join(home, 'models', 'demo-pretrained');

export const DEFAULT_PRETRAIN: Omit<PretrainOptions, 'corpus'> = { epochs: 8, factEpochs: 10, batchSize: 8, lr: 3e-3, seed: 11, searchShare: 0.5 };

interface SearchScript {
  turns: ScriptedTurn[];
}

export async function pretrainDemoModel(store: Store, home: string, world: World, options: PretrainOptions, hooks: StageHooks): Promise<{ model: TinyVlm; folder: string; losses: number[] }> {
  const random = new Random(options.seed);
  const templates = compileTemplates(DEMO_TEMPLATES);
  const model = createTinyVlm({ corpus: tokenizerCorpus(world, DEMO_TEMPLATES), merges: 600, seed: options.seed, config: options.model ?? DEMO_MODEL });
  const toolbox = new SearchService({ store, home }).toolbox({ engine: 'local', corpus: options.corpus, mode: 'cache-first' });
  const bytesOf = (sha: string) => store.repos.images.get(sha)!.bytes;
  const tool = (r: ToolCallResult) => ({ text: r.text, images: r.images.map(bytesOf) });

  async function searchScript(q: Question, picture: Buffer): Promise<SearchScript> {
    const entity = world.entities[q.entityId];
    if (q.kind === 'attribute_by_name') {
      const found = await toolbox.textSearch(`${entity.name} ${q.attribute === 'island' ? 'island' : q.attribute === 'diet' ? 'eats' : 'described'}`);
      return { turns: [{ response: textSearchTurn(entity.name, q.attribute!), tool: tool(found) }, { response: answerAfterSearch(q.answer) }] };
    }
    const seen = await toolbox.imageSearch({ bytes: picture });
    // The teacher reads the name off the top match, as the model will have to.
    const name = seen.results[0]?.title ?? entity.name;
    if (q.kind === 'name') return { turns: [{ response: imageSearchTurn, tool: tool(seen) }, { response: answerAfterSearch(name) }] };
    const found = await toolbox.textSearch(`${name} ${q.attribute === 'island' ? 'island' : q.attribute === 'diet' ? 'eats' : 'described'}`);
    const answer = name === entity.name ? q.answer : guess(world, q, random);
    return {
      turns: [{ response: imageSearchTurn, tool: tool(seen) }, { response: textSearchTurn(name, q.attribute!), tool: tool(found) }, { response: answerAfterSearch(answer) }],
    };
  }

  const sequences: TeacherSequence[] = [];
  const add = async (q: Question, turns: ScriptedTurn[], picture: Buffer) => sequences.push(await scriptedSequence(model, { question: q.text, image: picture }, turns, templates));

  // Facts of familiar species, whatever their split: every kind of question, answered from memory.
  const familiar = world.entities.filter((e) => e.familiar);
  let made = 0;
  const total = familiar.length * 7 + world.questions.filter((q) => q.split === 'train').length;
  for (const entity of familiar) {
    // Pictures for pre-training are variations of their own (seeded apart from the questions').
    const kinds = QUESTION_KINDS.map(([kind, attribute], i) => makeQuestion(entity, kind, attribute, 100_000 + entity.id * 10 + i, 'train'));
    for (const q of kinds) {
      await add(q, [{ response: directAnswer(q.answer) }], await drawEmblem(entity.look, q.variation));
      made++;
    }
    hooks.throwIfCancelled();
    hooks.progress(made, total, 'Writing teacher conversations');
  }
  // The protocol: each training question searched or answered directly by a coin flip.
  for (const q of world.questions.filter((q) => q.split === 'train')) {
    const picture = await drawEmblem(world.entities[q.entityId].look, q.variation);
    if (random.next() < options.searchShare) await add(q, (await searchScript(q, picture)).turns, picture);
    else await add(q, [{ response: directAnswer(world.entities[q.entityId].familiar ? q.answer : guess(world, q, random)) }], picture);
    made++;
    if (made % 20 === 0) {
      hooks.throwIfCancelled();
      hooks.progress(made, total, 'Writing teacher conversations');
    }
  }

  // Two phases, each with one fixed batch shape: the short direct answers first (cheap, and they carry the
  // facts), then everything, padded to the longest search conversation.
  const policy = new Policy(model, { device: 'auto' });
  const direct = sequences.filter((s) => s.images.length === 1);
  const steps = options.factEpochs * Math.floor(direct.length / (options.batchSize * 2)) + options.epochs * Math.floor(sequences.length / options.batchSize);
  const losses: number[] = [];
  const onStep = (_: number, loss: number) => {
    losses.push(loss);
    hooks.progress(losses.length, steps, `step ${losses.length} of ${steps}, loss ${loss.toFixed(3)}`);
  };
  await trainSft(policy, direct, { epochs: options.factEpochs, batchSize: options.batchSize * 2, lr: options.lr, seed: options.seed, onStep, shouldStop: () => (hooks.throwIfCancelled(), false) });
  await trainSft(policy, sequences, { epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed + 1, onStep, shouldStop: () => (hooks.throwIfCancelled(), false) });
  await policy.release();
  const folder = demoModelFolder(home);
  saveTinyVlm(model, folder);
  writeTemplates(folder, DEMO_TEMPLATES);
  return { model, folder, losses };
}
