// All SQL about hand labels and their history: every decision is an event, so undo restores what was before.
import type { Db } from '../database';
import type { LabelEvent, SearchNeed } from '../../../shared/contract';

interface EventRow {
  id: number;
  sample_id: number;
  row_index: number;
  question: string;
  annotator: string;
  before_label: SearchNeed | null;
  before_note: string | null;
  after_label: SearchNeed | null;
  after_note: string | null;
  created_at: number;
  undone_at: number | null;
}

function toEvent(r: EventRow): LabelEvent {
  return {
    id: r.id,
    sampleId: r.sample_id,
    rowIndex: r.row_index,
    question: r.question,
    annotator: r.annotator,
    before: r.before_label,
    after: r.after_label,
    noteBefore: r.before_note,
    noteAfter: r.after_note,
    createdAt: r.created_at,
    undone: r.undone_at !== null,
  };
}

const eventSelect = `SELECT e.*, s.row_index, s.question FROM label_events e JOIN samples s ON s.id = e.sample_id`;

export function createLabelsRepository(db: Db) {
  const current = db.prepare<[number, string], { label: SearchNeed; note: string | null }>(
    'SELECT label, note FROM labels WHERE sample_id = ? AND annotator = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO labels (sample_id, annotator, label, note, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(sample_id, annotator) DO UPDATE SET label = excluded.label, note = excluded.note, created_at = excluded.created_at`,
  );
  const remove = db.prepare('DELETE FROM labels WHERE sample_id = ? AND annotator = ?');
  const insertEvent = db.prepare(
    'INSERT INTO label_events (sample_id, annotator, before_label, before_note, after_label, after_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const eventById = db.prepare<[number], EventRow>(`${eventSelect} WHERE e.id = ?`);

  function write(sampleId: number, annotator: string, label: SearchNeed | null, note: string | null): void {
    if (label === null) remove.run(sampleId, annotator);
    else upsert.run(sampleId, annotator, label, note, Date.now());
  }

  return {
    /** Sets or clears a label; a note left undefined keeps the current one. Returns the recorded event. */
    set(sampleId: number, annotator: string, label: SearchNeed | null, note: string | null | undefined): LabelEvent {
      return db.transaction(() => {
        const before = current.get(sampleId, annotator);
        const noteAfter = label === null ? null : note === undefined ? (before?.note ?? null) : note;
        write(sampleId, annotator, label, noteAfter);
        const info = insertEvent.run(
          sampleId,
          annotator,
          before?.label ?? null,
          before?.note ?? null,
          label,
          noteAfter,
          Date.now(),
        );
        return toEvent(eventById.get(Number(info.lastInsertRowid))!);
      })();
    },
    /** Reverts the annotator's latest decision in the dataset that is not undone yet. */
    undo(annotator: string, datasetId: number): LabelEvent | null {
      return db.transaction(() => {
        const last = db
          .prepare<[string, number], EventRow>(
            `${eventSelect} WHERE e.annotator = ? AND s.dataset_id = ? AND e.undone_at IS NULL ORDER BY e.id DESC LIMIT 1`,
          )
          .get(annotator, datasetId);
        if (!last) return null;
        write(last.sample_id, annotator, last.before_label, last.before_note);
        db.prepare('UPDATE label_events SET undone_at = ? WHERE id = ?').run(Date.now(), last.id);
        return toEvent(eventById.get(last.id)!);
      })();
    },
    history(annotator: string, datasetId: number, limit: number): LabelEvent[] {
      return db
        .prepare<[string, number, number], EventRow>(
          `${eventSelect} WHERE e.annotator = ? AND s.dataset_id = ? ORDER BY e.id DESC LIMIT ?`,
        )
        .all(annotator, datasetId, limit)
        .map(toEvent);
    },
    progress(annotator: string, datasetId: number): { labeled: number; total: number } {
      return db
        .prepare(
          `SELECT (SELECT count(*) FROM labels l JOIN samples s ON s.id = l.sample_id WHERE l.annotator = ? AND s.dataset_id = ?) AS labeled,
                  (SELECT count(*) FROM samples WHERE dataset_id = ?) AS total`,
        )
        .get(annotator, datasetId, datasetId) as { labeled: number; total: number };
    },
    /** Every label in a dataset, for agreement statistics. */
    ofDataset(
      datasetId: number,
    ): { sampleId: number; rowIndex: number; question: string; annotator: string; label: SearchNeed }[] {
      return db
        .prepare(
          `SELECT l.sample_id AS sampleId, s.row_index AS rowIndex, s.question, l.annotator, l.label
           FROM labels l JOIN samples s ON s.id = l.sample_id WHERE s.dataset_id = ? ORDER BY s.row_index, l.annotator`,
        )
        .all(datasetId) as {
        sampleId: number;
        rowIndex: number;
        question: string;
        annotator: string;
        label: SearchNeed;
      }[];
    },
  };
}
export type LabelsRepository = ReturnType<typeof createLabelsRepository>;
