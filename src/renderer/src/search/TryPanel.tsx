import { useEffect, useState } from 'react';
import { IMAGE_BASE64_MAX, type CacheMode, type SearchEngineKind, type SearchTool } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useSearch } from './store';
import { ResultsView } from './ResultsView';
import { formatMoney, formatMs } from './format';

function readAsBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('Cannot read the image file'));
    reader.readAsDataURL(blob);
  });
}

/** The picture as base64, downsized (long side 1600 px, JPEG) when it would not fit one message to the engine. */
async function imageForUpload(file: File): Promise<string> {
  const original = await readAsBase64(file);
  if (original.length <= IMAGE_BASE64_MAX) return original;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  if (!blob) throw new Error(`Cannot downsize ${file.name}`);
  return readAsBase64(blob);
}

/** Try a search by hand, exactly as a rollout would run it (same cache, same model-facing text). */
export function TryPanel({ queryRef }: { queryRef: React.RefObject<HTMLInputElement | null> }) {
  const corpora = useSearch((s) => s.corpora);
  const run = useSearch((s) => s.run);
  const running = useSearch((s) => s.running);
  const result = useSearch((s) => s.lastRun);
  const [tool, setTool] = useState<SearchTool>('text_search');
  const [query, setQuery] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [imageUrl, setImageUrl] = useState('');
  const [engine, setEngine] = useState<SearchEngineKind>('local');
  const [corpus, setCorpus] = useState('');
  const [mode, setMode] = useState<CacheMode>('cache-first');
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    // Start from the defaults chosen in Settings → Search.
    api.call('search.config.get', {}).then((config) => {
      setEngine(config.engine);
      setMode(config.mode);
      if (config.corpus) setCorpus(config.corpus);
    }, reportError);
  }, []);

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const ready = tool === 'text_search' ? query.trim().length > 0 : file !== null;
  const submit = async () => {
    if (!ready || running) return;
    const common = { engine, corpus: corpus || undefined, mode };
    if (tool === 'text_search') await run({ tool, query: query.trim(), ...common });
    else {
      let imageBase64: string;
      try {
        imageBase64 = await imageForUpload(file!);
      } catch (error) {
        return reportError(error);
      }
      await run({ tool, imageBase64, imageUrl: imageUrl.trim() || undefined, ...common });
    }
  };

  return (
    <div className="card sc-try" aria-label="Try a search">
      <h2>Try a search</h2>
      <form
        className="sc-try-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="sc-segmented" role="radiogroup" aria-label="Tool">
          {(['text_search', 'image_search'] as const).map((t) => (
            <label key={t} className={tool === t ? 'active' : ''}>
              <input type="radio" name="tool" value={t} checked={tool === t} onChange={() => setTool(t)} />
              {t === 'text_search' ? 'Text' : 'Image'}
            </label>
          ))}
        </div>
        {tool === 'text_search' ? (
          <input
            ref={queryRef}
            className="sc-query-input"
            aria-label="Query"
            placeholder="A query, as the model would write it  ( T )"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        ) : (
          <>
            <input
              aria-label="Image file"
              type="file"
              accept="image/*"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            {engine !== 'local' ? (
              <input
                aria-label="Public image URL"
                placeholder="Public URL of the image (optional: the file is uploaded otherwise)"
                value={imageUrl}
                onChange={(e) => setImageUrl(e.target.value)}
              />
            ) : null}
          </>
        )}
        <select aria-label="Engine" value={engine} onChange={(e) => setEngine(e.target.value as SearchEngineKind)}>
          <option value="local">Local corpus</option>
          <option value="serpapi">SerpApi (web)</option>
          <option value="searxng">SearXNG (self-hosted)</option>
        </select>
        {engine === 'local' ? (
          <select aria-label="Corpus" value={corpus} onChange={(e) => setCorpus(e.target.value)}>
            <option value="">All corpora</option>
            {corpora.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        ) : null}
        <select aria-label="Cache mode" value={mode} onChange={(e) => setMode(e.target.value as CacheMode)}>
          <option value="cache-first">Cache-first</option>
          <option value="live">Live</option>
          <option value="replay-only">Replay-only</option>
        </select>
        <button type="submit" disabled={!ready || running}>
          {running ? 'Searching…' : 'Search'}
        </button>
      </form>
      {preview && tool === 'image_search' ? <img className="sc-preview" src={preview} alt="query" /> : null}
      {result ? (
        <div className="sc-try-result" data-testid="try-result">
          <div className="sc-try-meta">
            <span className={`badge cache-${result.cache}`} data-testid="cache-status">
              {result.cache}
            </span>
            <span>{result.engine}</span>
            <span>{formatMs(result.latencyMs)}</span>
            <span>{formatMoney(result.cost)}</span>
          </div>
          {result.error ? (
            <p className="sc-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <ResultsView results={result.results} modelText={result.text} degraded={result.degraded ?? []} />
        </div>
      ) : null}
    </div>
  );
}
