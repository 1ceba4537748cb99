// What a theme looks like on the page, as numbers a test can assert: the page background's luminance and, for
// chosen elements, the contrast of their text against whatever is painted behind them (WCAG 2 ratios, 1 to 21).
import type { Page } from 'playwright-core';

export interface ThemeReading {
  /** The theme the document says it shows (`data-theme` on <html>). */
  theme: string | undefined;
  /** Relative luminance of the page background, 0 (black) to 1 (white). */
  background: number;
  /** Per selector: the text's contrast ratio against its effective background for the first visible match. */
  contrast: Record<string, number>;
}

/** Reads the theme; throws, naming the selector, when an element to read is not on screen. */
export async function readTheme(page: Page, selectors: readonly string[]): Promise<ThemeReading> {
  return page.evaluate((wanted) => {
    const rgba = (css: string): [number, number, number, number] => {
      const m = /rgba?\(([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+))?\)/.exec(css);
      if (!m) throw new Error(`unreadable colour ${css}`);
      return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    // The first ancestor that paints a background (opaque enough to read against), else the canvas's white.
    const backgroundOf = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.5) return c;
      }
      return [255, 255, 255, 1];
    };
    const ratio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const contrast: Record<string, number> = {};
    for (const selector of wanted) {
      const el = [...document.querySelectorAll(selector)].find((e) => (e as HTMLElement).offsetParent !== null);
      if (!el) throw new Error(`no visible element matches ${selector}`);
      contrast[selector] = ratio(luminance(rgba(getComputedStyle(el).color)), luminance(backgroundOf(el)));
    }
    return {
      theme: document.documentElement.dataset.theme,
      background: luminance(backgroundOf(document.body)),
      contrast,
    };
  }, selectors);
}
