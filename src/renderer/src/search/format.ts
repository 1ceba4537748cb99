export function formatMoney(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 3 : 2)}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatWhen(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export const toolLabel = { image_search: 'Image', text_search: 'Text' } as const;
