// The method's figures as bounds a demo run is held to (the paper's knowledge boundary, on the demo world): GRPO
// searches few of the familiar species' questions and nearly all of the unfamiliar ones, is about as accurate as
// always-search RAG and searches much less. "Direction" is the weaker claim every world seed must keep.
import type { DemoReport } from './pipeline';

export const DEMO_BOUNDS = {
  /** Search ratio on familiar species' questions, at most. */
  familiarSearchAtMost: 0.25,
  /** Search ratio on unfamiliar species' questions, at least. */
  unfamiliarSearchAtLeast: 0.85,
  /** Accuracy at least RAG's less this many points (as a share). */
  accuracyBelowRagAtMost: 0.02,
  /** Searches per question at least this much fewer than RAG's (as a share of RAG's). */
  fewerSearchesThanRag: 0.3,
  /** For the direction: unfamiliar searched at least this much more often than familiar. */
  boundaryGap: 0.5,
} as const;

export interface BoundsVerdict {
  familiar: boolean;
  unfamiliar: boolean;
  accuracy: boolean;
  fewerSearches: boolean;
  /** All four bounds. */
  all: boolean;
  /** GRPO above direct answering and RAG, and unfamiliar searched far more than familiar. */
  direction: boolean;
  /** GRPO's searches per question as a share fewer than RAG's. */
  searchSaving: number;
}

export function judgeDemo(report: Pick<DemoReport, 'policies'>): BoundsVerdict {
  const { grpo, rag, direct } = report.policies;
  const searchSaving = rag.searches_per_question > 0 ? 1 - grpo.searches_per_question / rag.searches_per_question : 0;
  const verdict = {
    familiar: grpo.search_ratio_familiar <= DEMO_BOUNDS.familiarSearchAtMost,
    unfamiliar: grpo.search_ratio_unfamiliar >= DEMO_BOUNDS.unfamiliarSearchAtLeast,
    accuracy: grpo.accuracy >= rag.accuracy - DEMO_BOUNDS.accuracyBelowRagAtMost,
    fewerSearches: searchSaving >= DEMO_BOUNDS.fewerSearchesThanRag,
  };
  return {
    ...verdict,
    all: Object.values(verdict).every(Boolean),
    direction:
      grpo.accuracy > direct.accuracy &&
      grpo.accuracy > rag.accuracy &&
      grpo.search_ratio_unfamiliar - grpo.search_ratio_familiar >= DEMO_BOUNDS.boundaryGap,
    searchSaving,
  };
}
