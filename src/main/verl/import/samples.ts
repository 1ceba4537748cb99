// Which dataset sample a cluster rollout was about: by its data id or dataset row when the dump logs one, by its
// image's address (the method's image_url), by the
// question its decoded prompt ends with, or by any question the prompt contains (the longest). A data id or row is
// checked against the prompt first: a dataset imported again or reordered since the export holds another sample
// at that row, so when the prompt asks another sample's question that sample is taken and the mismatch reported.
// A rollout with no match keeps its own ground truth and is shown without its image.
import type { Store } from '../../storage';
import { SHA256_URL_PREFIX } from '../export/samples';

export interface MatchedSample {
  id: number;
  question: string;
  answer: string;
  candidates: string[];
  need: string | null;
}

const MARKERS = ['Here is the image and the question:', 'Question:'];

/** The first non-empty line after each question marker the prompt holds, in the markers' order. */
function questionsAfterMarkers(input: string): string[] {
  const found: string[] = [];
  for (const marker of MARKERS) {
    const at = input.lastIndexOf(marker);
    if (at < 0) continue;
    const question = input
      .slice(at + marker.length)
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '');
    if (question) found.push(question);
  }
  return found;
}

/** The question a decoded prompt asks (the line after its question marker), or null when it has no marker. */
export function questionIn(input: string): string | null {
  return questionsAfterMarkers(input)[0] ?? null;
}

export class SampleMatcher {
  private readonly byQuestion = new Map<string, MatchedSample>();
  private readonly byImage = new Map<string, MatchedSample>();
  /** By the dataset row (the exported reward.py logs it as data_index) and by data id. */
  private readonly byRow = new Map<number, MatchedSample>();
  private readonly byDataId = new Map<string, MatchedSample>();
  private readonly questions: string[];
  private readonly memo = new Map<string, MatchedSample | null>();
  /** Rollouts whose data_id or data_index named a sample their prompt does not ask about, by file and line. */
  readonly idMismatches: string[] = [];

  constructor(
    store: Store,
    private readonly datasetName: string,
  ) {
    const dataset = store.repos.datasets.find(datasetName);
    if (!dataset) throw new Error(`No dataset "${datasetName}"`);
    const rows = new Map(
      (
        store.db
          .prepare('SELECT id, row_index, data_id, image_url FROM samples WHERE dataset_id = ?')
          .all(dataset.id) as { id: number; row_index: number; data_id: string | null; image_url: string | null }[]
      ).map((r) => [r.id, r]),
    );
    for (const row of store.repos.trajectories.trainingRows(dataset.id, null)) {
      const sample: MatchedSample = {
        id: row.id,
        question: row.question,
        answer: row.answer,
        candidates: row.candidateAnswers,
        need: row.need,
      };
      this.byQuestion.set(row.question.trim(), sample);
      this.byImage.set(`${SHA256_URL_PREFIX}${row.imageSha256}`, sample);
      const stored = rows.get(row.id)!;
      if (stored.image_url) this.byImage.set(stored.image_url, sample);
      if (stored.data_id) this.byDataId.set(stored.data_id, sample);
      this.byRow.set(stored.row_index, sample);
    }
    this.questions = [...this.byQuestion.keys()].sort((a, b) => b.length - a.length);
  }

  match(
    input: string,
    imageUrl: string | null,
    ids: { dataIndex?: number; dataId?: string } = {},
    where = '',
  ): MatchedSample | null {
    const byId = (kind: string, value: string | number, sample: MatchedSample | undefined) => {
      if (!sample) return undefined;
      const asked = this.askedOtherThan(sample, input, imageUrl);
      if (!asked) return sample;
      this.idMismatches.push(
        `${where ? `${where}: ` : ''}${kind} ${value} is "${sample.question}" in dataset "${this.datasetName}", ` +
          `but the prompt asks "${asked.question}"; matched by the prompt instead`,
      );
      return asked;
    };
    const named =
      (ids.dataId !== undefined ? byId('data_id', ids.dataId, this.byDataId.get(ids.dataId)) : undefined) ??
      (ids.dataIndex !== undefined ? byId('data_index', ids.dataIndex, this.byRow.get(ids.dataIndex)) : undefined);
    if (named) return named;
    if (imageUrl && this.byImage.has(imageUrl)) return this.byImage.get(imageUrl)!;
    return this.byPrompt(input);
  }

  /** The sample whose question the prompt asks (a GRPO group's rollouts share a prompt: found once). */
  private byPrompt(input: string): MatchedSample | null {
    const known = this.memo.get(input);
    if (known !== undefined) return known;
    const found = this.byMarker(input) ?? this.byContainment(input);
    this.memo.set(input, found);
    return found;
  }

  /**
   * The dataset's sample the prompt asks about when it is another than the one a rollout's id names; null when the
   * prompt holds the named sample's question or image, or identifies no sample of the dataset (a prompt cut by the
   * logger, a question worded by a template) and so cannot contradict the id.
   */
  private askedOtherThan(sample: MatchedSample, input: string, imageUrl: string | null): MatchedSample | null {
    if (input.includes(sample.question.trim())) return null;
    if (imageUrl && this.byImage.get(imageUrl) === sample) return null;
    const asked = this.byPrompt(input);
    return asked && asked !== sample ? asked : null;
  }

  private byMarker(input: string): MatchedSample | null {
    for (const question of questionsAfterMarkers(input)) {
      const found = this.byQuestion.get(question);
      if (found) return found;
    }
    return null;
  }

  private byContainment(input: string): MatchedSample | null {
    const question = this.questions.find((q) => input.includes(q));
    return question ? this.byQuestion.get(question)! : null;
  }
}
