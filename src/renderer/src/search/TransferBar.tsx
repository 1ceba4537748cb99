import { useState } from 'react';
import { ApiError } from '../../../shared/protocol';
import { api } from '../api/client';
import { reportError, useToasts } from '../state/toasts';
import { useSearch } from './store';

/** Export the cache to a JSONL file, or import one, on the engine's machine. */
export function TransferBar() {
  const [file, setFile] = useState('');
  const refresh = useSearch((s) => s.refresh);
  const act = async (kind: 'export' | 'import') => {
    try {
      if (kind === 'export') {
        const r = await exportTo(file.trim());
        if (r) useToasts.getState().push('info', `Exported ${r.entries} entries to ${r.file}`);
      } else {
        const r = await api.call('search.cache.import', { file: file.trim() });
        useToasts.getState().push('info', `Imported ${r.imported} entries (${r.skipped} already present)`);
        await refresh();
      }
    } catch (error) {
      reportError(error);
    }
  };
  return (
    <div className="sc-inline-form">
      <input
        aria-label="Cache file"
        placeholder="Cache file (JSONL) on the engine's machine"
        value={file}
        onChange={(e) => setFile(e.target.value)}
      />
      <button className="ghost" disabled={!file.trim()} onClick={() => void act('export')}>
        Export
      </button>
      <button className="ghost" disabled={!file.trim()} onClick={() => void act('import')}>
        Import
      </button>
    </div>
  );
}

/** Exports to `file`; a file already there is replaced only once the user says so (null: they did not). */
async function exportTo(file: string) {
  try {
    return await api.call('search.cache.export', { file });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'conflict')) throw error;
    if (!window.confirm(`${file} already exists on the engine's machine. Replace it with this export?`)) return null;
    return await api.call('search.cache.export', { file, overwrite: true });
  }
}
