// The rollout engine: a batch of samples × group size, generated together turn by turn; each turn's searches
// run concurrently through the tools (and so through the search cache); every step of every trajectory recorded.
import type { SearchEngineKind, ToolCallResult } from '../../../shared/contract';
import type { SamplingOptions } from '../../model';
import type { SearchStop } from '../../search';
import type { PolicyModel } from '../../model';
import { bucketLength } from '../../model';
import { parseTurn, STOP_STRINGS } from '../protocol/actions';
import { DEFAULT_LIMITS, nextStep, type RolloutCounters, type RolloutLimits } from '../protocol/limits';
import type { CompiledTemplates } from '../protocol/templates';
import { Conversation, END_OF_TURN, questionTurn, toolTurn } from './conversation';
import type { RolloutSample, Trajectory, TurnRecord } from './types';

export interface RolloutTools {
  imageSearch(sample: RolloutSample): Promise<ToolCallResult>;
  textSearch(query: string): Promise<ToolCallResult>;
  /** The bytes of a thumbnail a tool result refers to. */
  image(sha256: string): Uint8Array;
  /**
   * The search provider stopped for good in this run (a refused key, spent quota), with its message, or null:
   * a training run pauses and an evaluation stops on it instead of going on with failed searches.
   */
  stopped?(): SearchStop | null;
  /**
   * Which search engine and corpus the tools search, and what of the results the model is shown, when they are
   * the search service's (recorded with evaluations, so a replay shows the model the same).
   */
  settings?: { engine: SearchEngineKind; corpus: string | null; thumbnails: boolean; links: boolean };
}

export interface TurnPrefix {
  text: string;
  close?: string;
}

export interface RolloutOptions {
  groupSize: number;
  templates: CompiledTemplates;
  tools: RolloutTools;
  limits?: RolloutLimits;
  sampling?: SamplingOptions;
  seed?: number;
  /**
   * Text forced at the start of a model turn (baselines: "answer directly", "always search"). It is context, not
   * the model's; a prefix that already closes an action is the whole turn and nothing is generated. With
   * `close`, a turn the model does not close itself is closed for it (so a baseline's action always happens).
   */
  turnPrefix?(turn: number): TurnPrefix | null;
  /** The longest conversation allowed (default: the model's max positions); a turn that would pass it ends the trajectory. */
  maxLength?: number;
  onTurn?(turn: number, active: number): void;
}

interface State {
  trajectory: Omit<Trajectory, 'ids' | 'lossMask' | 'logprobs' | 'images'>;
  conversation: Conversation;
  counters: RolloutCounters;
  done: boolean;
  promptText: string;
}

export async function runRollouts(
  policy: PolicyModel,
  samples: readonly RolloutSample[],
  options: RolloutOptions,
): Promise<Trajectory[]> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const maxPositions = Math.min(options.maxLength ?? Infinity, policy.maxPositions);
  const states: State[] = [];
  for (const [groupIndex, sample] of samples.entries()) {
    const pixels = await policy.prepareImage(sample.image, `the image of sample ${sample.sampleId ?? groupIndex}`);
    const promptText = options.templates.question({
      question: sample.question,
      remaining_image_searches: limits.maxImageSearches,
      remaining_text_searches: limits.maxTextSearches,
    });
    for (let sampleIndex = 0; sampleIndex < options.groupSize; sampleIndex++) {
      const conversation = new Conversation(policy);
      conversation.addContext((policy.chatPrefix ?? '') + questionTurn(promptText), [pixels]);
      const tooLong = conversation.length > limits.maxPromptTokens;
      states.push({
        trajectory: {
          groupIndex,
          sampleIndex,
          sample,
          turns: [],
          end: tooLong ? 'prompt_too_long' : 'turn_limit',
          generatedTokens: 0,
        },
        conversation,
        counters: { turns: 0, imageSearches: 0, textSearches: 0, generatedTokens: 0 },
        done: tooLong,
        promptText,
      });
    }
  }

  for (let turn = 0; turn < limits.maxTurns; turn++) {
    const active = states.filter((s) => !s.done);
    if (active.length === 0) break;
    options.onTurn?.(turn, active.length);
    const forced = options.turnPrefix?.(turn) ?? null;
    const prefix = forced?.text ?? '';
    const prefixIsWholeTurn = prefix !== '' && STOP_STRINGS.some((stop) => prefix.trimEnd().endsWith(stop));
    if (prefix) for (const s of active) s.conversation.addContext(prefix);
    // Generation pads prompts up to a bucket; what is left of the context after that is the most a turn can add.
    const maxNewTokens = Math.min(
      limits.maxTokensPerTurn,
      maxPositions - bucketLength(Math.max(...active.map((s) => s.conversation.length))),
    );
    if (maxNewTokens <= 0) {
      for (const s of active) endWith(s, 'token_limit');
      break;
    }
    const started = performance.now();
    const { generations } = prefixIsWholeTurn
      ? {
          generations: active.map(() => ({
            tokens: [] as number[],
            logprobs: [] as number[],
            text: '',
            finish: 'stop' as const,
          })),
        }
      : await policy.generate(
          active.map((s) => ({ ids: s.conversation.ids, images: s.conversation.images })),
          { ...options.sampling, maxNewTokens, stop: STOP_STRINGS, seed: (options.seed ?? 0) * 1000 + turn },
        );
    const generationMs = (performance.now() - started) / active.length;

    const toolCalls: Promise<void>[] = [];
    active.forEach((state, i) => {
      const g = generations[i];
      state.conversation.addGenerated(g.tokens, g.logprobs);
      let forcedClose = '';
      if (forced?.close && !prefixIsWholeTurn && !STOP_STRINGS.some((stop) => g.text.trimEnd().endsWith(stop))) {
        forcedClose = forced.close;
        state.conversation.addContext(forcedClose);
      }
      state.counters.turns++;
      state.counters.generatedTokens += g.tokens.length;
      state.trajectory.generatedTokens = state.counters.generatedTokens;
      const parsed = parseTurn(prefix + g.text + forcedClose);
      const record: TurnRecord = {
        index: turn,
        promptText: state.promptText,
        responseText: prefix + g.text + forcedClose,
        tokenIds: g.tokens,
        logprobs: g.logprobs,
        reasoning: parsed.reasoning,
        action: parsed.action,
        wellFormed: parsed.wellFormed,
        finish: g.finish,
        tool: null,
        generationMs,
      };
      state.trajectory.turns.push(record);
      const next =
        g.finish === 'length' && !forcedClose && parsed.action.kind !== 'answer'
          ? ({ kind: 'end', reason: 'token_limit' } as const)
          : nextStep(parsed.action, state.counters, limits);
      if (next.kind === 'end') return endWith(state, next.reason);
      if (g.finish !== 'eos' || forcedClose) state.conversation.addContext(END_OF_TURN);
      toolCalls.push(callTool(state, record, next.tool, next.query ?? '', turn + 1 === limits.maxTurns - 1));
    });
    await Promise.all(toolCalls);
  }
  for (const s of states) if (!s.done) endWith(s, 'turn_limit');

  return states.map((s) => ({
    ...s.trajectory,
    ids: s.conversation.ids,
    lossMask: s.conversation.lossMask,
    logprobs: s.conversation.logprobs,
    images: s.conversation.images,
  }));

  function endWith(state: State, reason: Trajectory['end']): void {
    state.done = true;
    state.trajectory.end = reason;
  }

  async function callTool(
    state: State,
    record: TurnRecord,
    tool: 'image_search' | 'text_search',
    query: string,
    isLastTurn: boolean,
  ): Promise<void> {
    const result =
      tool === 'image_search'
        ? await options.tools.imageSearch(state.trajectory.sample)
        : await options.tools.textSearch(query);
    record.tool = result;
    if (tool === 'image_search') state.counters.imageSearches++;
    else state.counters.textSearches++;
    const thumbnails = await Promise.all(
      result.images.map((sha) =>
        policy.prepareImage(options.tools.image(sha), `search result thumbnail ${sha.slice(0, 12)}`),
      ),
    );
    state.promptText = options.templates.afterTool({
      tool_output: result.text,
      question: state.trajectory.sample.question,
      remaining_image_searches: limits.maxImageSearches - state.counters.imageSearches,
      remaining_text_searches: limits.maxTextSearches - state.counters.textSearches,
      is_last_turn: isLastTurn,
    });
    const context = toolTurn(state.promptText);
    // Leave room for at least a short answer; otherwise the conversation ends here.
    if (state.conversation.length + state.conversation.contextTokens(context, thumbnails) + 16 > maxPositions)
      return endWith(state, 'token_limit');
    state.conversation.addContext(context, thumbnails);
  }
}
