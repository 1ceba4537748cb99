// The demo world: an archipelago of made-up species. Each has a drawn emblem (its picture) and facts.
// Familiar species are taught to the tiny model in pre-training; the others can only be found by searching.

export type SearchNeed = 'search_free' | 'image_search' | 'text_search' | 'both';

export interface Look {
  shape: string;
  background: string;
  foreground: string;
  pattern: string;
}

export interface Entity {
  id: number;
  name: string;
  /** Taught in pre-training (answerable without search) or findable only through search. */
  familiar: boolean;
  look: Look;
  facts: { island: string; year: number; diet: string };
}

export type QuestionKind = 'name' | 'attribute_by_image' | 'attribute_by_name';
export type Attribute = keyof Entity['facts'];

export interface Question {
  id: string;
  entityId: number;
  kind: QuestionKind;
  attribute: Attribute | null;
  text: string;
  answer: string;
  candidateAnswers: string[];
  /** True by construction: what a search-capable model needs to answer it. */
  searchNeed: SearchNeed;
  split: 'train' | 'test';
  /** Seed of the question picture's variation, so the picture differs from the indexed one. */
  variation: number;
}

/** A page of the local search engine's corpus: found by text search, and by image search through its picture. */
export interface WorldDocument {
  entityId: number;
  title: string;
  url: string;
  body: string;
}

export interface WorldOptions {
  seed: number;
  entities: number;
  /** Share of entities taught in pre-training. */
  familiarShare: number;
  questionsPerEntity: number;
  testShare: number;
}

export interface World {
  options: WorldOptions;
  entities: Entity[];
  documents: WorldDocument[];
  questions: Question[];
}
