// The search tools' public surface for the rest of the engine (rollouts, the demo world, the model engine).
export {
  createSearchToolbox,
  type SearchToolbox,
  type SearchImageInput,
  type SearchStop,
  type ToolboxOptions,
} from './tools/toolbox';
export { SearchService } from './service';
export { SearchBudget, type BudgetLimits } from './budget';
export { ingestCorpus, type CorpusDocInput, type CorpusImageInput, type IngestResult } from './local/ingest';
export { readCorpusFolder } from './local/folder';
export { LocalSearchEngine } from './local/engine';
export { registerLocalModelSummariser, ExtractiveSummariser, type Summariser, type PageText } from './summarise';
export { SecretStore, plainCipher, type SecretCipher } from './secrets/store';
export { readSearchConfig, updateSearchConfig } from './config';
export { IMAGE_PLACEHOLDER } from '../../shared/contract';

// the rest the engine uses: corpora, configuration, the cache's transfer
export { flattenSettings, settingPatch } from './config';
export { asShownToModel } from './tools/format';
export { SECRETS_KEY_VAR } from './secrets/sealed-cipher';
export { exportCache } from './cache/transfer';
