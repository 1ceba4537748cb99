import { EmptyState } from '../components/EmptyState';

export function SearchCachePage() {
  return (
    <section className="page">
      <h1>Search cache</h1>
      <EmptyState title="The search cache is empty">
        <p>Every image and text search goes through the cache (live, cache-first or replay-only), so training is cheap and reproducible.</p>
        <p>Entries will show thumbnails, titles, summaries, timings and cost, with hit statistics and money saved.</p>
      </EmptyState>
    </section>
  );
}
