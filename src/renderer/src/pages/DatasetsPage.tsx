import { EmptyState } from '../components/EmptyState';

export function DatasetsPage() {
  return (
    <section className="page">
      <h1>Datasets</h1>
      <EmptyState title="No datasets yet">
        <p>Import veRL / FVQA parquet, HF parquet shards, JSONL or CSV and browse every sample with its image.</p>
        <p>Label which samples need search (one key per label), and build a training set balanced between search-required and search-free questions.</p>
        <p>
          From a terminal: <code>npx searchlab import FILE --dataset NAME</code>
        </p>
      </EmptyState>
    </section>
  );
}
