// Messages between the job manager and a job's process.
export interface JobStart {
  jobId: number;
  kind: string;
  params: unknown;
  home: string;
  databaseFile: string;
}

export type ManagerToWorker = { type: 'start'; job: JobStart } | { type: 'cancel' };

/** The job's row changed (`updated`) or reached its end (`ended`): the manager reads it back and tells listeners. */
export type WorkerToManager = { type: 'updated' } | { type: 'ended' };
