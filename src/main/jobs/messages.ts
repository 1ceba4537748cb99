// Messages between the job manager and a job's worker thread.
export interface JobWorkerData {
  jobId: number;
  kind: string;
  params: unknown;
  home: string;
  databaseFile: string;
  /** Int32Array over this: element 0 becomes 1 when the user cancels. Read without waiting for messages. */
  cancelFlag: SharedArrayBuffer;
}

export type WorkerToManager =
  | { type: 'progress'; done: number; total: number | null; message: string | null }
  | { type: 'succeeded'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; error: string };
