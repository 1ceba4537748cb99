import { useEffect, useState } from 'react';
import type { SearchConfig, SecretName, SecretStatus } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError, useToasts } from '../state/toasts';
import './search.css';

const secretLabels: Record<SecretName, string> = {
  serpapi: 'SerpApi key',
  jina: 'Jina Reader key',
  summariser: 'Summariser key',
};

function KeyRow({ status, onChange }: { status: SecretStatus; onChange(next: SecretStatus[]): void }) {
  const [value, setValue] = useState('');
  const save = async () => {
    try {
      onChange(await api.call('search.secrets.set', { name: status.name, value: value.trim() }));
      setValue('');
      useToasts.getState().push('info', `${secretLabels[status.name]} saved`);
    } catch (error) {
      reportError(error);
    }
  };
  return (
    <div className="row sc-key-row" data-testid={`key-${status.name}`}>
      <span>{secretLabels[status.name]}</span>
      <span className={`badge ${status.set ? 'status-succeeded' : ''}`}>
        {status.set
          ? `set (${status.source === 'env' ? status.envVar + ' in the environment' : status.source === 'safe-storage' ? 'encrypted' : 'key file, owner-only'})`
          : 'not set'}
      </span>
      <input
        type="password"
        autoComplete="off"
        aria-label={`New ${secretLabels[status.name]}`}
        placeholder={status.set ? 'Replace…' : 'Paste the key'}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button disabled={!value.trim()} onClick={() => void save()}>
        Save
      </button>
      {status.set && status.source !== 'env' ? (
        <button
          className="ghost"
          onClick={async () =>
            onChange(await api.call('search.secrets.clear', { name: status.name }).catch((e) => (reportError(e), [])))
          }
        >
          Remove
        </button>
      ) : null}
    </div>
  );
}

function NumberField({
  label,
  value,
  step = 'any',
  onCommit,
  nullable = false,
}: {
  label: string;
  value: number | null;
  step?: string;
  nullable?: boolean;
  onCommit(v: number | null): void;
}) {
  return (
    <label className="row">
      <span>{label}</span>
      <input
        type="number"
        step={step}
        min={0}
        aria-label={label}
        defaultValue={value ?? ''}
        key={String(value)}
        placeholder={nullable ? 'no limit' : ''}
        onBlur={(e) => {
          const raw = e.target.value.trim();
          const next = raw === '' ? null : Number(raw);
          if (next === value) return;
          if (next === null && !nullable) return;
          onCommit(next);
        }}
      />
    </label>
  );
}

function TextField({ label, value, onCommit }: { label: string; value: string; onCommit(v: string): void }) {
  return (
    <label className="row">
      <span>{label}</span>
      <input
        className="sc-wide"
        aria-label={label}
        defaultValue={value}
        key={value}
        onBlur={(e) => e.target.value.trim() !== value && onCommit(e.target.value.trim())}
      />
    </label>
  );
}

/** Settings → Search: keys (write-only), engine, endpoints, summariser, prices, budgets and limits. */
export function SearchSettingsSection() {
  const [config, setConfig] = useState<SearchConfig | null>(null);
  const [keys, setKeys] = useState<SecretStatus[]>([]);
  useEffect(() => {
    api.call('search.config.get', {}).then(setConfig, reportError);
    api.call('search.secrets.status', {}).then(setKeys, reportError);
  }, []);
  const update = async (patch: Record<string, unknown>) => {
    try {
      setConfig(await api.call('search.config.update', patch));
    } catch (error) {
      reportError(error);
      // Show the stored values again rather than what failed validation.
      api.call('search.config.get', {}).then(setConfig, reportError);
    }
  };
  if (!config) return null;
  return (
    <div className="card sc-settings" data-testid="search-settings">
      <h2>Search</h2>
      <h3>API keys</h3>
      <p className="muted">
        Keys are write-only here: they are stored for the engine and never shown, logged or exported. Environment
        variables win over stored keys.
      </p>
      {keys.map((k) => (
        <KeyRow key={k.name} status={k} onChange={setKeys} />
      ))}
      <h3>Defaults</h3>
      <label className="row">
        <span>Engine</span>
        <select
          aria-label="Default engine"
          value={config.engine}
          onChange={(e) => void update({ engine: e.target.value })}
        >
          <option value="local">Local corpus (offline)</option>
          <option value="serpapi">SerpApi (web)</option>
          <option value="searxng">SearXNG (self-hosted, text; images via SerpApi)</option>
        </select>
      </label>
      <label className="row">
        <span>Cache mode</span>
        <select
          aria-label="Default cache mode"
          value={config.mode}
          onChange={(e) => void update({ mode: e.target.value })}
        >
          <option value="cache-first">Cache-first</option>
          <option value="live">Live</option>
          <option value="replay-only">Replay-only</option>
        </select>
      </label>
      <NumberField
        label="Image results (top k)"
        step="1"
        value={config.imageTopK}
        onCommit={(v) => void update({ imageTopK: v })}
      />
      <NumberField
        label="Text results (top k)"
        step="1"
        value={config.textTopK}
        onCommit={(v) => void update({ textTopK: v })}
      />
      <h3>Endpoints</h3>
      <TextField
        label="SerpApi base URL"
        value={config.serpapi.baseUrl}
        onCommit={(v) => void update({ serpapi: { baseUrl: v } })}
      />
      <TextField
        label="Google Lens country"
        value={config.serpapi.country}
        onCommit={(v) => void update({ serpapi: { country: v } })}
      />
      <label className="row">
        <span>Google Lens matches</span>
        <select
          aria-label="Google Lens matches"
          value={config.serpapi.lensType}
          onChange={(e) => void update({ serpapi: { lensType: e.target.value } })}
        >
          <option value="visual_matches">Visual matches</option>
          <option value="exact_matches">Exact matches</option>
          <option value="products">Products</option>
          <option value="all">All</option>
        </select>
      </label>
      <TextField
        label="SearXNG base URL"
        value={config.searxng.baseUrl}
        onCommit={(v) => void update({ searxng: { baseUrl: v } })}
      />
      <TextField
        label="SearXNG language"
        value={config.searxng.language}
        onCommit={(v) => void update({ searxng: { language: v } })}
      />
      <TextField
        label="Jina Reader base URL"
        value={config.reader.baseUrl}
        onCommit={(v) => void update({ reader: { baseUrl: v } })}
      />
      <label className="row">
        <span>Read pages</span>
        <input
          type="checkbox"
          aria-label="Read pages with Jina Reader"
          checked={config.reader.enabled}
          onChange={(e) => void update({ reader: { enabled: e.target.checked } })}
        />
      </label>
      <label className="row">
        <span>Summariser</span>
        <select
          aria-label="Summariser"
          value={config.summariser.kind}
          onChange={(e) => void update({ summariser: { kind: e.target.value } })}
        >
          <option value="extractive">Extractive (deterministic, offline)</option>
          <option value="openai">OpenAI-compatible endpoint</option>
          <option value="local-model">Local model (coming with the model engine)</option>
        </select>
      </label>
      {config.summariser.kind === 'openai' ? (
        <>
          <TextField
            label="Summariser base URL"
            value={config.summariser.baseUrl}
            onCommit={(v) => void update({ summariser: { baseUrl: v } })}
          />
          <TextField
            label="Summariser model"
            value={config.summariser.model}
            onCommit={(v) => void update({ summariser: { model: v } })}
          />
        </>
      ) : null}
      <h3>Prices and budget</h3>
      <NumberField
        label="SerpApi, per search"
        value={config.prices.serpapiSearch}
        onCommit={(v) => void update({ prices: { serpapiSearch: v } })}
      />
      <NumberField
        label="Reader, per page"
        value={config.prices.readerPage}
        onCommit={(v) => void update({ prices: { readerPage: v } })}
      />
      <NumberField
        label="Summariser, per call"
        value={config.prices.summariserCall}
        onCommit={(v) => void update({ prices: { summariserCall: v } })}
      />
      <NumberField
        label="Budget: live calls per run"
        step="1"
        nullable
        value={config.budget.maxCalls}
        onCommit={(v) => void update({ budget: { maxCalls: v } })}
      />
      <NumberField
        label="Budget: money per run"
        nullable
        value={config.budget.maxCost}
        onCommit={(v) => void update({ budget: { maxCost: v } })}
      />
      <h3>Reliability</h3>
      <NumberField
        label="Timeout per call (ms)"
        step="1"
        value={config.reliability.timeoutMs}
        onCommit={(v) => void update({ reliability: { timeoutMs: v } })}
      />
      <NumberField
        label="Retries"
        step="1"
        value={config.reliability.maxRetries}
        onCommit={(v) => void update({ reliability: { maxRetries: v } })}
      />
      <NumberField
        label="Calls in flight (max)"
        step="1"
        value={config.reliability.concurrency}
        onCommit={(v) => void update({ reliability: { concurrency: v } })}
      />
      <NumberField
        label="Calls per second (max)"
        value={config.reliability.ratePerSecond}
        onCommit={(v) => void update({ reliability: { ratePerSecond: v } })}
      />
      <NumberField
        label="First backoff step (ms)"
        step="1"
        value={config.reliability.baseDelayMs}
        onCommit={(v) => void update({ reliability: { baseDelayMs: v } })}
      />
      <NumberField
        label="Backoff ceiling per call (ms)"
        step="1"
        value={config.reliability.backoffCeilingMs}
        onCommit={(v) => void update({ reliability: { backoffCeilingMs: v } })}
      />
    </div>
  );
}
