// Datasets, samples, hand labels of search need, agreement between annotators, balanced subsets.
import { z } from 'zod';
import { method, NoParams, Ok } from './define';

/** What a sample needs to be answered: the MMSearch-R1 labels, plus "unsure" for the annotator. */
export const SearchNeed = z.enum(['search_free', 'image_search', 'text_search', 'both', 'unsure']);
export type SearchNeed = z.infer<typeof SearchNeed>;
export const searchNeedTitles: Record<SearchNeed, string> = {
  search_free: 'Search-free',
  image_search: 'Needs image search',
  text_search: 'Needs text search',
  both: 'Needs both',
  unsure: 'Unsure',
};

/** The largest image file SearchLab reads: a dataset's images, a search's query image. */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

export const ImportFormat = z.enum(['auto', 'parquet', 'jsonl', 'csv']);
export type ImportFormat = z.infer<typeof ImportFormat>;
export const ExportFormat = z.enum(['verl', 'jsonl']);
export type ExportFormat = z.infer<typeof ExportFormat>;

const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f]+$/, 'no control characters');

/** One bad row of an import: where (file, row, field) and why. Rows count from 1. */
export const Rejection = z.object({
  file: z.string(),
  row: z.number().int().nullable(),
  field: z.string(),
  reason: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const ImportResult = z.object({
  dataset: z.string(),
  datasetId: z.number().int().nullable(),
  /** Whether anything was written: false when bad rows were found and skipBad was not asked for. */
  committed: z.boolean(),
  imported: z.number().int(),
  images: z.number().int(),
  rejected: z.array(Rejection),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ExportResult = z.object({
  dataset: z.string(),
  format: ExportFormat,
  path: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const DatasetSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  source: z.string().nullable(),
  /** How a derived dataset was made (a balanced subset's recipe), as stored. */
  recipe: z.unknown().nullable(),
  createdAt: z.number(),
  samples: z.number().int(),
  images: z.number().int(),
  /** Label → number of label decisions (every annotator's). */
  labels: z.record(z.string(), z.number().int()),
  annotators: z.array(z.string()),
  dataSources: z.array(z.string()),
  splits: z.array(z.string()),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const SampleLabel = z.object({
  annotator: z.string(),
  label: SearchNeed,
  note: z.string().nullable(),
  createdAt: z.number(),
});
export type SampleLabel = z.infer<typeof SampleLabel>;

/** From N runs of the policy without search: mostly correct → search-free, else search-required (kind unknown). */
export const Suggestion = z.object({
  label: z.enum(['search_free', 'search_required']),
  runs: z.number().int(),
  correct: z.number().int(),
  model: z.string(),
});

export const SampleSummary = z.object({
  id: z.number().int(),
  rowIndex: z.number().int(),
  dataId: z.string().nullable(),
  question: z.string(),
  answer: z.string(),
  imageSha256: z.string().nullable(),
  dataSource: z.string().nullable(),
  category: z.string().nullable(),
  split: z.string().nullable(),
  /** Known by construction (the demo world), else null. */
  searchNeed: SearchNeed.nullable(),
  labels: z.array(SampleLabel),
  suggestion: Suggestion.nullable(),
});
export type SampleSummary = z.infer<typeof SampleSummary>;

export const SampleDetail = SampleSummary.extend({
  datasetId: z.number().int(),
  candidates: z.array(z.string()),
  imageUrl: z.string().nullable(),
  image: z
    .object({ mime: z.string(), width: z.number().nullable(), height: z.number().nullable(), size: z.number() })
    .nullable(),
  prompt: z.unknown().nullable(),
  extra: z.unknown().nullable(),
});
export type SampleDetail = z.infer<typeof SampleDetail>;

export const SampleQuery = z
  .object({
    datasetId: z.number().int(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
    /** Full-text search over questions and answers (words; prefix match on the last one). */
    q: z.string().max(500).optional(),
    /** A label any annotator gave, or "unlabeled" for samples nobody labeled. */
    label: z.union([SearchNeed, z.literal('unlabeled')]).optional(),
    dataSource: z.string().optional(),
    split: z.string().optional(),
    /** The labeling queue: samples this annotator has not labeled, or samples whose annotators disagree. */
    queue: z.enum(['all', 'unlabeled', 'disagreeing']).default('all'),
    annotator: z.string().max(100).optional(),
    /** "uncertain": samples whose model suggestion is closest to a coin flip first. */
    order: z.enum(['row', 'uncertain']).default('row'),
    /** Keyset paging in row order: only rows after this one (offset then counts from there). Stable while labeling shrinks a queue. */
    afterRowIndex: z.number().int().optional(),
  })
  .strict();
export type SampleQuery = z.input<typeof SampleQuery>;

/** `total` counts every match (with afterRowIndex: every match after that row). */
export const SamplePage = z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(SampleSummary) });
export type SamplePage = z.infer<typeof SamplePage>;

export const LabelEvent = z.object({
  id: z.number().int(),
  sampleId: z.number().int(),
  rowIndex: z.number().int(),
  question: z.string(),
  annotator: z.string(),
  before: SearchNeed.nullable(),
  after: SearchNeed.nullable(),
  noteBefore: z.string().nullable(),
  noteAfter: z.string().nullable(),
  createdAt: z.number(),
  undone: z.boolean(),
});
export type LabelEvent = z.infer<typeof LabelEvent>;

export const PairAgreement = z.object({
  a: z.string(),
  b: z.string(),
  items: z.number().int(),
  observed: z.number().nullable(),
  kappa: z.number().nullable(),
});
export const Agreement = z.object({
  annotators: z.array(z.string()),
  /** Samples labeled by at least two annotators. */
  items: z.number().int(),
  pairs: z.array(PairAgreement),
  /** Krippendorff's alpha (nominal) over every annotator; null with fewer than two labels on any sample. */
  alpha: z.number().nullable(),
  disagreementCount: z.number().int(),
  disagreements: z.array(
    z.object({
      sampleId: z.number().int(),
      rowIndex: z.number().int(),
      question: z.string(),
      labels: z.record(z.string(), SearchNeed),
    }),
  ),
});
export type Agreement = z.infer<typeof Agreement>;

export const BalanceParams = z
  .object({
    datasetId: z.number().int(),
    name: DatasetName,
    /** Fraction of the subset that needs search (MMSearch-R1 used about 2/3). */
    searchRequiredFraction: z
      .number()
      .gt(0)
      .lt(1)
      .default(2 / 3),
    /** At most this many samples; by default as many as the ratio allows. */
    size: z.number().int().min(1).optional(),
    /** Where a sample's search need comes from. */
    labelSource: z.enum(['labels', 'construction', 'labels_then_construction']).default('labels_then_construction'),
    seed: z.number().int().default(1),
  })
  .strict();
export type BalanceParams = z.input<typeof BalanceParams>;

export const BalancePlan = z.object({
  strata: z.array(
    z.object({
      dataSource: z.string().nullable(),
      required: z.number().int(),
      free: z.number().int(),
      pickRequired: z.number().int(),
      pickFree: z.number().int(),
    }),
  ),
  available: z.object({ required: z.number().int(), free: z.number().int(), unknown: z.number().int() }),
  total: z.number().int(),
});
export type BalancePlan = z.infer<typeof BalancePlan>;

export const SuggestStatus = z.object({
  loaded: z.boolean(),
  message: z.string(),
  suggested: z.number().int(),
  /** The checkpoint a suggestion job would use (the newest), when there is one. */
  checkpointId: z.number().int().nullable(),
});

export const SuggestParams = z
  .object({
    datasetId: z.number().int(),
    checkpointId: z.number().int().positive(),
    /** Answers per sample without search. */
    runs: z.number().int().min(1).max(32).default(4),
    batch: z.number().int().min(1).max(256).default(16),
  })
  .strict();

export const datasetMethods = {
  'datasets.list': method('Every dataset with its counts', NoParams, z.array(DatasetSummary)),
  'datasets.get': method('One dataset with its counts', z.object({ id: z.number().int() }).strict(), DatasetSummary),
  'datasets.delete': method(
    'Delete a dataset with its samples and labels (images stay, shared by hash)',
    z.object({ id: z.number().int() }).strict(),
    Ok,
  ),
  'datasets.samples': method('A page of samples, filtered and searched', SampleQuery, SamplePage),
  'datasets.sample': method(
    'One sample with everything known about it',
    z.object({ id: z.number().int() }).strict(),
    SampleDetail,
  ),
  'labels.set': method(
    "Set (or clear, with null) an annotator's label and note on a sample; recorded for undo",
    z
      .object({
        sampleId: z.number().int(),
        annotator: z.string().trim().min(1).max(100),
        label: SearchNeed.nullable(),
        note: z.string().max(5000).nullable().optional(),
      })
      .strict(),
    z.object({ event: LabelEvent, labels: z.array(SampleLabel) }),
  ),
  'labels.undo': method(
    "Undo the annotator's most recent label decision (in this dataset)",
    z.object({ annotator: z.string().trim().min(1).max(100), datasetId: z.number().int() }).strict(),
    z.object({ undone: LabelEvent.nullable() }),
  ),
  'labels.history': method(
    "The annotator's recent label decisions, newest first",
    z
      .object({
        annotator: z.string().trim().min(1).max(100),
        datasetId: z.number().int(),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
    z.array(LabelEvent),
  ),
  'labels.progress': method(
    'How many samples of a dataset the annotator has labeled, of how many',
    z.object({ annotator: z.string().trim().min(1).max(100), datasetId: z.number().int() }).strict(),
    z.object({ labeled: z.number().int(), total: z.number().int() }),
  ),
  'labels.agreement': method(
    'Agreement between annotators (Cohen’s kappa per pair, Krippendorff’s alpha) and the disagreements',
    z.object({ datasetId: z.number().int() }).strict(),
    Agreement,
  ),
  'datasets.balancePlan': method(
    'What a balanced subset would take from each data source (the job datasets.balance builds it)',
    BalanceParams,
    BalancePlan,
  ),
  'datasets.image': method(
    'An image or its thumbnail by content hash, base64-encoded (the Electron app; browser mode uses GET /api/images/<sha256>)',
    z
      .object({
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256'),
        thumb: z.boolean().default(false),
      })
      .strict(),
    z.object({ mime: z.string(), base64: z.string() }),
  ),
  'datasets.browse': method(
    "Folders and importable files on the engine's machine, for choosing what to import or where to export",
    z.object({ path: z.string().max(4096).default('') }).strict(),
    z.object({
      dir: z.string(),
      parent: z.string().nullable(),
      entries: z.array(
        z.object({
          name: z.string(),
          path: z.string(),
          kind: z.enum(['dir', 'file']),
          size: z.number().nullable(),
          importable: z.boolean(),
        }),
      ),
      truncated: z.boolean(),
    }),
  ),
  'datasets.suggestStatus': method(
    'Whether model-assisted label suggestion can run now',
    z.object({ datasetId: z.number().int() }).strict(),
    SuggestStatus,
  ),
};

/** Job parameters: import a file or a folder of parquet shards as a new dataset. */
export const DatasetImportParams = z
  .object({
    path: z.string().min(1),
    dataset: DatasetName,
    format: ImportFormat.default('auto'),
    /** Import the good rows and report the bad ones; otherwise one bad row means nothing is written. */
    skipBad: z.boolean().default(false),
    /** Files larger than this are refused before reading (bytes). */
    maxBytes: z
      .number()
      .int()
      .min(1)
      .default(1024 ** 3),
    description: z.string().max(2000).default(''),
    /** Read image paths outside the imported file's folder (by default they are refused). */
    allowPathsOutside: z.boolean().optional(),
    /** Fetch image URLs on loopback, link-local and private addresses (by default they are refused). */
    allowPrivateUrls: z.boolean().optional(),
  })
  .strict();

export const DatasetExportParams = z
  .object({
    /** Dataset name or id. */
    dataset: z.union([z.string().min(1), z.number().int()]),
    format: ExportFormat,
    out: z.string().min(1),
    /** Replace a file already at `out`; without it an existing file is never overwritten. */
    overwrite: z.boolean().optional(),
  })
  .strict();
