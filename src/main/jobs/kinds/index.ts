import type { JobDefinition } from '../kind';
import { storageVerifyJob } from './storage-verify';
import { corpusIngestJob } from './corpus-ingest';
import { datasetImportJob, datasetExportJob, datasetBalanceJob, datasetSuggestJob } from './datasets';
import { rlTrainJob } from './rl-train';
import { demoRunJob } from './demo-run';
import { trajectoriesDecisionsJob, trajectoriesReplayJob } from './trajectories';
import { rewardRescoreJob } from './reward-rescore';
import { evalRunJob } from './eval-run';

/** Every job kind the engine runs. Add a kind: its params in the contract (JobParamsByKind), a file here, one line below. */
export const jobKinds: Record<string, JobDefinition> = {
  [storageVerifyJob.kind]: storageVerifyJob,
  [corpusIngestJob.kind]: corpusIngestJob,
  [datasetImportJob.kind]: datasetImportJob,
  [datasetExportJob.kind]: datasetExportJob,
  [datasetBalanceJob.kind]: datasetBalanceJob,
  [datasetSuggestJob.kind]: datasetSuggestJob,
  [rlTrainJob.kind]: rlTrainJob,
  [demoRunJob.kind]: demoRunJob,
  [rewardRescoreJob.kind]: rewardRescoreJob,
  [evalRunJob.kind]: evalRunJob,
  [trajectoriesReplayJob.kind]: trajectoriesReplayJob,
  [trajectoriesDecisionsJob.kind]: trajectoriesDecisionsJob,
};
