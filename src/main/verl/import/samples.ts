// Which dataset sample a cluster rollout was about: by its image's address (the method's image_url), by the
// question its decoded prompt ends with, or by any question the prompt contains (the longest). A rollout with no
// match keeps its own ground truth and is shown without its image.
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

export class SampleMatcher {
  private readonly byQuestion = new Map<string, MatchedSample>();
  private readonly byImage = new Map<string, MatchedSample>();
  private readonly questions: string[];
  private readonly memo = new Map<string, MatchedSample | null>();

  constructor(store: Store, datasetName: string) {
    const dataset = store.repos.datasets.find(datasetName);
    if (!dataset) throw new Error(`No dataset "${datasetName}"`);
    const urls = new Map(
      (store.db.prepare('SELECT id, image_url FROM samples WHERE dataset_id = ? AND image_url IS NOT NULL').all(dataset.id) as { id: number; image_url: string }[]).map((r) => [r.id, r.image_url]),
    );
    for (const row of store.repos.trajectories.trainingRows(dataset.id, null)) {
      const sample: MatchedSample = { id: row.id, question: row.question, answer: row.answer, candidates: row.candidateAnswers, need: row.need };
      this.byQuestion.set(row.question.trim(), sample);
      this.byImage.set(`${SHA256_URL_PREFIX}${row.imageSha256}`, sample);
      const url = urls.get(row.id);
      if (url) this.byImage.set(url, sample);
    }
    this.questions = [...this.byQuestion.keys()].sort((a, b) => b.length - a.length);
  }

  match(input: string, imageUrl: string | null): MatchedSample | null {
    if (imageUrl && this.byImage.has(imageUrl)) return this.byImage.get(imageUrl)!;
    const known = this.memo.get(input);
    if (known !== undefined) return known;
    const found = this.byMarker(input) ?? this.byContainment(input);
    this.memo.set(input, found);
    return found;
  }

  private byMarker(input: string): MatchedSample | null {
    for (const marker of MARKERS) {
      const at = input.lastIndexOf(marker);
      if (at < 0) continue;
      const question = input.slice(at + marker.length).split('\n').map((l) => l.trim()).find((l) => l !== '');
      const found = question ? this.byQuestion.get(question) : undefined;
      if (found) return found;
    }
    return null;
  }

  private byContainment(input: string): MatchedSample | null {
    const question = this.questions.find((q) => input.includes(q));
    return question ? this.byQuestion.get(question)! : null;
  }
}
