// `searchlab import-rollouts`: what a cluster wrote about its rollouts, as a SearchLab run. Like dataset import it
// is all or nothing: every file is read and checked first, bad lines are listed by file and line and nothing is
// written unless the caller asks for the good lines only; then one transaction stores the run. A rollout that an
// earlier file already held (cumulative validation files) is kept once.
import fs from 'node:fs';
import path from 'node:path';
import { maxOf } from '../../platform/arrays';
import { readChunksSyncWithin, readFileSyncWithin } from '../../platform/file-access';
import { boundedLinesSync, MAX_LINE_BYTES } from '../../platform/lines';
import type { Store } from '../../storage';
import { compileReward, DEFAULT_REWARD_SPEC, type RewardSpec } from '../../rl';
import { parseRunConfig, type RunConfig } from '../../rl';
import { groupAdvantages } from '../../rl';
import { readMethodJson, readVerlJsonl, type BadRecord, type ReadResult, type RolloutRecord } from './records';
import { buildGroups, detectGroupSize, type RecordGroup } from './groups';
import { SampleMatcher } from './samples';
import { importTrajectory, trajectoryRow, type ImportedTrajectory } from './trajectories';
import { stepMetrics } from './metrics';

export interface ImportRolloutsParams {
  path: string;
  run: string;
  dataset?: string;
  groupSize?: number;
  skipBad?: boolean;
  /** The longest line of a JSONL file (MAX_LINE_BYTES unless given); a longer one is a bad line. */
  maxLineBytes?: number;
}

export interface ImportRolloutsResult {
  run: string;
  runId: number | null;
  committed: boolean;
  files: number;
  trajectories: number;
  groups: number;
  groupSize: number | null;
  steps: number[];
  bad: BadRecord[];
  unknownFields: string[];
  unmatchedSamples: number;
  /** Rollouts whose data_id or data_index named a sample their prompt does not ask about (matched otherwise). */
  idMismatches: string[];
  /** Rollouts dropped because an earlier file held the same one (cumulative val_result_{N}.json, W&B tables). */
  duplicates: number;
  /** Rollouts whose cluster score differs from SearchLab's reward for the same turns. */
  disagreements: { where: string; cluster: number; searchlab: number }[];
}

const VAL_FOLDER = /^(val|valid|validation|eval|test)$/i;

function listRolloutFiles(root: string): string[] {
  if (!fs.existsSync(root)) throw new Error(`${root}: no such file or folder`);
  if (fs.statSync(root).isFile()) return [root];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(jsonl|json)$/.test(entry.name) && entry.name !== 'searchlab-run.json') files.push(full);
    }
  };
  walk(root);
  if (files.length === 0) throw new Error(`${root}: no .jsonl or .json rollout files in this folder`);
  return files.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** A JSONL rollout file larger than this is refused (it is read a line at a time, a JSON file whole, as one line). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

function readFile(root: string, file: string, maxLineBytes: number): ReadResult {
  const shown = path.relative(fs.statSync(root).isFile() ? path.dirname(root) : root, file) || path.basename(file);
  if (file.endsWith('.jsonl')) {
    const folders = path.relative(root, path.dirname(file)).split(path.sep);
    const chunks = readChunksSyncWithin(file, root, { maxBytes: MAX_FILE_BYTES, confineTo: null });
    const lines = boundedLinesSync(chunks, maxLineBytes);
    return readVerlJsonl(shown, lines, folders.some((f) => VAL_FOLDER.test(f)) ? 'val' : 'train', maxLineBytes);
  }
  return readMethodJson(
    shown,
    readFileSyncWithin(file, root, { maxBytes: maxLineBytes, confineTo: null }).toString('utf8'),
  );
}

/** The run config of an export folder the rollouts sit in (run.sh writes them to <export>/rollouts). */
function exportedRunConfig(root: string): RunConfig | null {
  let dir = fs.statSync(root).isFile() ? path.dirname(root) : root;
  for (let up = 0; up < 3; up++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'searchlab-run.json');
    if (fs.existsSync(file)) return parseRunConfig(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  }
  return null;
}

function runConfigFor(
  params: ImportRolloutsParams,
  exported: RunConfig | null,
  dataset: string | null,
  steps: number[],
): RunConfig {
  const base =
    exported ??
    parseRunConfig({ name: params.run, model: { path: 'cluster' }, dataset: dataset ?? 'none', grpo: { steps: 1 } });
  return {
    ...base,
    name: params.run,
    dataset: dataset ?? base.dataset,
    grpo: { ...base.grpo, steps: maxOf(steps, 1) },
  };
}

export function importRollouts(store: Store, params: ImportRolloutsParams): ImportRolloutsResult {
  const root = path.resolve(params.path);
  const files = listRolloutFiles(root);
  if (store.repos.runs.byName(params.run)) throw new Error(`A run named "${params.run}" exists; choose another --run`);
  const read = files.map((f) => readFile(root, f, params.maxLineBytes ?? MAX_LINE_BYTES));
  const bad = read.flatMap((r) => r.bad);
  const { records, duplicates } = withoutRepeats(read.map((r) => r.records));
  const unknownFields = [...new Set(read.flatMap((r) => [...r.unknownFields]))].sort();
  const exported = exportedRunConfig(root);
  const datasetName =
    params.dataset ?? (exported && store.repos.datasets.find(exported.dataset) ? exported.dataset : null);
  const empty = {
    run: params.run,
    runId: null,
    files: files.length,
    trajectories: 0,
    groups: 0,
    groupSize: null,
    steps: [],
    bad,
    unknownFields,
    unmatchedSamples: 0,
    idMismatches: [],
    duplicates,
    disagreements: [],
  };
  if ((bad.length > 0 && !params.skipBad) || records.length === 0) return { ...empty, committed: false };

  const spec: RewardSpec = exported?.reward ?? DEFAULT_REWARD_SPEC;
  const reward = compileReward(spec);
  const groupSize = detectGroupSize(
    records.filter((r) => r.source === 'train'),
    params.groupSize,
    bad.length > 0,
  );
  const groups = buildGroups(records, groupSize);
  const matcher = datasetName ? new SampleMatcher(store, datasetName) : null;
  const imported = groups.map((g) =>
    g.records.map((r) =>
      importTrajectory(r, matcher?.match(r.input, r.imageUrl, idsOf(r), `${r.file}:${r.line}`) ?? null, reward),
    ),
  );
  const steps = [...new Set(records.map((r) => r.step))].sort((a, b) => a - b);
  const config = runConfigFor(params, exported, datasetName, steps);

  const runId = store.db.transaction(() => {
    const run = store.repos.runs.insert(params.run, config.kind, config);
    const specId = store.repos.trajectories.ensureSpec(spec);
    storeGroups(store, run.id, specId, groups, imported);
    for (let step = 1; step <= steps.at(-1)!; step++) store.repos.runs.commitStep(run.id, step);
    store.repos.runs.setStatus(run.id, 'finished');
    return run.id;
  })();

  const all = imported.flat();
  return {
    ...empty,
    runId,
    committed: true,
    trajectories: all.length,
    groups: groups.length,
    groupSize,
    steps,
    unmatchedSamples: matcher ? all.filter((t) => t.sample === null).length : all.length,
    idMismatches: matcher?.idMismatches ?? [],
    disagreements: all
      .filter((t) => Math.abs(t.record.score - t.searchlab.total) > 1e-6)
      .map((t) => ({
        where: `${t.record.file}:${t.record.line}`,
        cluster: t.record.score,
        searchlab: t.searchlab.total,
      })),
  };
}

/**
 * The records of every file, without those an earlier file already held: the method's val_result_{N}.json and W&B
 * table exports repeat every earlier validation. A rollout is the same when its source, step, prompt and output
 * are; identical rollouts within one file (a group's equal answers) are all kept, and a later file drops only as
 * many of them as an earlier file had.
 */
function withoutRepeats(files: readonly RolloutRecord[][]): { records: RolloutRecord[]; duplicates: number } {
  const earlier = new Map<string, number>();
  const records: RolloutRecord[] = [];
  let duplicates = 0;
  const keyOf = (r: RolloutRecord) => JSON.stringify([r.source, r.step, r.input, r.output]);
  for (const file of files) {
    const seen = new Map<string, number>();
    for (const record of file) {
      const key = keyOf(record);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      if (occurrence < (earlier.get(key) ?? 0)) duplicates++;
      else records.push(record);
    }
    for (const [key, count] of seen) earlier.set(key, Math.max(count, earlier.get(key) ?? 0));
  }
  return { records, duplicates };
}

/** The sample ids a dump may carry among its reward extras. */
function idsOf(r: RolloutRecord): { dataIndex?: number; dataId?: string } {
  return {
    ...(typeof r.extras.data_index === 'number' ? { dataIndex: r.extras.data_index } : {}),
    ...(typeof r.extras.data_id === 'string' ? { dataId: r.extras.data_id } : {}),
  };
}

/** Trajectories with group-normalised advantages of the cluster's scores, and each step's dashboard metrics. */
function storeGroups(
  store: Store,
  runId: number,
  specId: number,
  groups: RecordGroup[],
  imported: ImportedTrajectory[][],
): void {
  const groupIndex = new Map<number, number>();
  const byStep = new Map<string, ImportedTrajectory[][]>();
  groups.forEach((group, g) => {
    const index = groupIndex.get(group.step) ?? 0;
    groupIndex.set(group.step, index + 1);
    const { advantages } = groupAdvantages(imported[g].map((t) => t.record.score));
    imported[g].forEach((t, sampleIndex) => {
      store.repos.trajectories.insert(
        trajectoryRow(t, {
          runId,
          step: group.step,
          groupIndex: index,
          sampleIndex,
          specId,
          advantage: advantages[sampleIndex],
        }),
      );
    });
    const key = `${group.source}:${group.step}`;
    byStep.set(key, [...(byStep.get(key) ?? []), imported[g]]);
  });
  for (const [key, stepGroups] of byStep) {
    const [source, step] = key.split(':');
    store.repos.runs.putMetrics(runId, Number(step), stepMetrics(stepGroups, source === 'val' ? 'val/' : ''));
  }
}
