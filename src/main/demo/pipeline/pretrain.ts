// Stage 2 of the demo: a tiny VLM that SearchLab builds and trains itself. It learns the familiar species (their
// pictures, names and facts) and the search protocol from scripted conversations whose tool outputs come from
// the real local search engine (so the search cache is warm for GRPO afterwards).
import path from 'node:path';
import type { Store } from '../../storage';
import { Random } from '../../platform/random';
import { createTinyVlm, saveTinyVlm, Policy, type TinyVlm, type CreateOptions } from '../../model/tiny/vlm';
import type { ToolCallResult } from '../../../shared/contract';
import { compileTemplates } from '../../rl/protocol/templates';
import { DEMO_MODEL, DEMO_TEMPLATES, DEMO_THUMBNAILS } from './settings';
import { withoutThumbnails } from '../../search/tools/format';
import { writeTemplates } from '../../rl/train/state';
import { scriptedSequence, type ScriptedTurn, type TeacherSequence } from '../../rl/sft/scripted';
import { trainSft } from '../../rl/sft/train';
import { SearchService } from '../../search/service';
import type { World, Question } from '../world/types';
import { drawEmblem } from '../world/draw';
import { makeQuestion, QUESTION_KINDS } from '../world/questions';
import { answerAfterSearch, directAnswer, guess, imageSearchTurn, textSearchTurn, tokenizerCorpus } from './scripts';
import type { StageHooks } from './workspace';
import { readingDrill } from './reading';

export interface PretrainOptions {
  corpus: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Share of protocol conversations scripted with search (the rest answer directly). */
  searchShare: number;
  /** Protocol conversations per training species and question kind, each with a fresh picture. */
  protocolPasses: number;
  /** Steps of the reading drill that comes first (batches of 16 short lists; see reading.ts). */
  drillSteps: number;
  /** Fact conversations per familiar species and question kind, each with a fresh picture. */
  factPasses: number;
  /** Epochs over the short direct-answer conversations before the whole mixture (they teach the facts). */
  factEpochs: number;
  model?: CreateOptions['config'];
}

/** Where the demo's pre-trained model is saved. */
export const demoModelFolder = (home: string): string => path.join(home, 'models', 'demo-pretrained');

export const DEFAULT_PRETRAIN: Omit<PretrainOptions, 'corpus'> = { epochs: 8, factEpochs: 10, batchSize: 8, lr: 3e-3, seed: 11, searchShare: 0.5, protocolPasses: 2, factPasses: 3, drillSteps: 1000 };

interface SearchScript {
  turns: ScriptedTurn[];
}

/** Pictures for pre-training are variations of their own, seeded apart from the questions' and from each other. */
const pretrainingVariation = (phase: 'facts' | 'protocol', entityId: number, kind: number, pass: number) => 100_000 + entityId * 1000 + (phase === 'facts' ? 500 : 0) + pass * 10 + kind;

export async function pretrainDemoModel(store: Store, home: string, world: World, options: PretrainOptions, hooks: StageHooks): Promise<{ model: TinyVlm; folder: string; losses: number[] }> {
  const random = new Random(options.seed);
  const templates = compileTemplates(DEMO_TEMPLATES);
  const toolbox = new SearchService({ store, home }).toolbox({ engine: 'local', corpus: options.corpus, mode: 'cache-first' });
  // The tokenizer learns its merges from the world's texts and from what the search tools print.
  const sample = world.entities[0];
  const toolSamples = [(await toolbox.imageSearch({ bytes: await drawEmblem(sample.look, 1) })).text, (await toolbox.textSearch(`${sample.name} island`)).text];
  const model = createTinyVlm({ corpus: tokenizerCorpus(world, DEMO_TEMPLATES, toolSamples), merges: 600, seed: options.seed, config: options.model ?? DEMO_MODEL });
  const bytesOf = (sha: string) => store.repos.images.get(sha)!.bytes;
  const tool = (result: ToolCallResult) => {
    const r = DEMO_THUMBNAILS ? result : withoutThumbnails(result);
    return { text: r.text, images: r.images.map(bytesOf) };
  };

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

  const facts: TeacherSequence[] = [];
  const protocol: TeacherSequence[] = [];
  const add = async (into: TeacherSequence[], q: Question, turns: ScriptedTurn[], picture: Buffer) => into.push(await scriptedSequence(model, { question: q.text, image: picture }, turns, templates));

  // Facts of familiar species, whatever their split: every kind of question, answered from memory.
  const familiar = world.entities.filter((e) => e.familiar);
  const trainSpecies = [...new Set(world.questions.filter((q) => q.split === 'train').map((q) => q.entityId))].map((id) => world.entities[id]);
  let made = 0;
  const total = familiar.length * QUESTION_KINDS.length * options.factPasses + trainSpecies.length * QUESTION_KINDS.length * options.protocolPasses;
  const report = () => {
    if (++made % 20 === 0) {
      hooks.throwIfCancelled();
      hooks.progress(made, total, 'Writing teacher conversations');
    }
  };
  for (let pass = 0; pass < options.factPasses; pass++) {
    for (const entity of familiar) {
      for (const [i, [kind, attribute]] of QUESTION_KINDS.entries()) {
        const q = makeQuestion(entity, kind, attribute, pretrainingVariation('facts', entity.id, i, pass), 'train');
        await add(facts, q, [{ response: directAnswer(q.answer) }], await drawEmblem(entity.look, q.variation));
        report();
      }
    }
  }
  // The protocol: every kind of question about every training species, searched or answered directly by a coin
  // flip (a direct answer about an unfamiliar species is a guess). Many copies with fresh pictures, because
  // reading a name or a fact out of a search result must work for species the model has never seen.
  for (let pass = 0; pass < options.protocolPasses; pass++) {
    for (const entity of trainSpecies) {
      for (const [i, [kind, attribute]] of QUESTION_KINDS.entries()) {
        const q = makeQuestion(entity, kind, attribute, pretrainingVariation('protocol', entity.id, i, pass), 'train');
        const picture = await drawEmblem(entity.look, q.variation);
        if (random.next() < options.searchShare) await add(protocol, q, (await searchScript(q, picture)).turns, picture);
        else await add(protocol, q, [{ response: directAnswer(entity.familiar ? q.answer : guess(world, q, random)) }], picture);
        report();
      }
    }
  }
  const sequences = [...facts, ...protocol];

  hooks.progress(total, total, `${facts.length} fact and ${protocol.length} protocol conversations written`);

  // Three phases: reading, the familiar species' facts (short and cheap), then everything.
  const policy = new Policy(model, { device: 'auto' });
  const drill = readingDrill(model, random.fork('drill'), options.drillSteps * 16);
  const steps = options.drillSteps + options.factEpochs * Math.floor(facts.length / (options.batchSize * 2)) + options.epochs * Math.floor(sequences.length / options.batchSize);
  const losses: number[] = [];
  const onStep = (_: number, loss: number) => {
    losses.push(loss);
    hooks.progress(losses.length, steps, `step ${losses.length} of ${steps}, loss ${loss.toFixed(3)}`);
  };
  if (drill.length > 0) await trainSft(policy, drill, { epochs: 1, batchSize: 16, lr: options.lr, seed: options.seed, onStep, shouldStop: () => (hooks.throwIfCancelled(), false) });
  await trainSft(policy, facts, { epochs: options.factEpochs, batchSize: options.batchSize * 2, lr: options.lr, seed: options.seed, onStep, shouldStop: () => (hooks.throwIfCancelled(), false) });
  await trainSft(policy, sequences, { epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed + 1, onStep, shouldStop: () => (hooks.throwIfCancelled(), false) });
  await policy.release();
  const folder = demoModelFolder(home);
  saveTinyVlm(model, folder);
  writeTemplates(folder, DEMO_TEMPLATES);
  return { model, folder, losses };
}
