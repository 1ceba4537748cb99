// Schema 9: a running job names the process that runs it (its id, and where the system can tell, its boot and start
// time, so that a later process given the same id is not taken for it) (jobs run in their own processes), so an engine that
// starts after a crash of the UI server follows a job whose process still runs, and marks interrupted only the jobs
// whose process is gone. A cancel request is a flag on the row, which the job's process reads between units of
// work whichever process asked.
export const jobOwners = {
  version: 9,
  name: 'job-owners',
  sql: /* sql */ `
ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;
ALTER TABLE jobs ADD COLUMN owner_identity TEXT;
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
`,
};
