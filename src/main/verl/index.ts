// veRL's public surface: a run exported as a job folder for a cluster, and the cluster's rollouts imported back
// as a run.
export { exportVerlFolder, type ExportVerlParams, type ExportVerlResult } from './export';
export { importRollouts, type ImportRolloutsParams, type ImportRolloutsResult } from './import';
