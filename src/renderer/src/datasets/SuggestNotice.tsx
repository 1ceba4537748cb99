// Model-assisted suggestions: whether they can run, and what the "uncertain first" order is based on.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { reportError } from '../state/toasts';

export function SuggestNotice({ datasetId }: { datasetId: number }) {
  const [status, setStatus] = useState<{ loaded: boolean; message: string; suggested: number } | null>(null);
  useEffect(() => {
    api.call('datasets.suggestStatus', { datasetId }).then(setStatus, reportError);
  }, [datasetId]);
  if (!status) return null;
  return (
    <p className={`ds-suggest ${status.loaded ? '' : 'warn'}`} data-testid="suggest-status">
      {status.message}
    </p>
  );
}
