// Canvas charts cannot use CSS variables directly: read them, and redraw when the theme changes.
import { useEffect, useState } from 'react';

export function useThemeName(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? 'light'));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

export const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// One hue per run, one dash per metric of a chart: compared runs stay apart, a chart's metrics stay readable.
const PALETTE = ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#8b5cf6', '#eab308', '#06b6d4', '#84cc16'];
export const runColor = (position: number) => PALETTE[position % PALETTE.length];
export const metricDash = (position: number): number[] => [[], [6, 4], [2, 3]][position % 3];
