import type { DatasetSummary } from '../../../shared/contract';
import { useDatasets } from './store';

export function DatasetList({ datasets }: { datasets: DatasetSummary[] }) {
  const datasetId = useDatasets((s) => s.datasetId);
  const select = useDatasets((s) => s.select);
  return (
    <nav className="ds-list" aria-label="Datasets">
      {datasets.map((d) => {
        const labeled = Object.values(d.labels).reduce((a, b) => a + b, 0);
        return (
          <button
            key={d.id}
            className={`ds-card ${d.id === datasetId ? 'active' : ''}`}
            onClick={() => select(d.id)}
            aria-current={d.id === datasetId ? 'true' : undefined}
          >
            <span className="ds-card-name">{d.name}</span>
            <span className="muted">
              {d.samples.toLocaleString()} samples · {d.images.toLocaleString()} images
            </span>
            <span className="muted">
              {labeled ? `${labeled.toLocaleString()} labels` : 'no labels'}
              {d.recipe ? ' · balanced subset' : ''}
            </span>
          </button>
        );
      })}
    </nav>
  );
}
