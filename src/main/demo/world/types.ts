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
  /**
   * Questions per held-out species when more than questionsPerEntity (every kind in turn, then again with fresh
   * pictures): a larger test set for the evaluation, with the training questions unchanged.
   */
  testQuestionsPerEntity?: number;
  testShare: number;
  /** Species that exist only as pages in the search corpus (see World.webOnly). */
  webOnlySpecies: number;
}

export interface World {
  options: WorldOptions;
  /** The species questions ask about (ids 0…n−1). */
  entities: Entity[];
  /**
   * Species no question asks about, found only on the archipelago's web (ids after the questioned ones). Like
   * the web a real model learned to read from, they teach the tiny model to read search results in pre-training
   * without teaching it any answer a question needs: each is seen once or twice, so copying out of the result
   * is the only way to get them right.
   */
  webOnly: Entity[];
  /** One page per species, questioned and web-only, indexed by species id. */
  documents: WorldDocument[];
  questions: Question[];
}
