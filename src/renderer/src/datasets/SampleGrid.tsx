// The virtualized sample list: only the rows on screen exist in the DOM, and their data is fetched a chunk
// at a time as they come into view, so 100,000 samples scroll as smoothly as 100.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SampleSummary } from '../../../shared/contract';
import { useDatasets } from './store';
import { useImageSrc } from './images';
import { shortTitles } from './labels';

const TILE = 164;
const LIST_ROW = 64;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

function LabelChips({ sample }: { sample: SampleSummary }) {
  if (sample.labels.length === 0) return <span className="chip muted">unlabeled</span>;
  return (
    <>
      {sample.labels.map((l) => (
        <span key={l.annotator} className={`chip label-${l.label}`} title={`${l.annotator}: ${l.label}`}>
          {shortTitles[l.label]}
        </span>
      ))}
    </>
  );
}

function StoredThumb({ sha }: { sha: string }) {
  const src = useImageSrc(sha, true);
  return src ? <img src={src} alt="" loading="lazy" draggable={false} /> : <div className="no-image" />;
}

function Thumb({ sample }: { sample: SampleSummary }) {
  return sample.imageSha256 ? <StoredThumb sha={sample.imageSha256} /> : <div className="no-image">no image</div>;
}

export function SampleGrid() {
  const total = useDatasets((s) => s.total);
  const rows = useDatasets((s) => s.rows);
  const view = useDatasets((s) => s.view);
  const cursor = useDatasets((s) => s.cursor);
  const setCursor = useDatasets((s) => s.setCursor);
  const ensureRange = useDatasets((s) => s.ensureRange);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = view === 'grid' ? Math.max(1, Math.floor((width - 8) / TILE)) : 1;
  // Tiles share the row's width, so the grid has no ragged gap on the right.
  const tileWidth = Math.floor((width - 8) / columns);
  const count = total ?? 0;
  const lines = Math.ceil(count / columns);

  const virtualizer = useVirtualizer({
    count: lines,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => (view === 'grid' ? tileWidth + 48 : LIST_ROW),
    overscan: 4,
  });
  // Row heights follow the tile width: re-measure when the panel is resized or the view changes.
  useEffect(() => virtualizer.measure(), [virtualizer, tileWidth, view]);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (count > 0) ensureRange(first * columns, (last + 1) * columns - 1);
  }, [first, last, columns, count, ensureRange, rows]);

  // Keep the selected sample on screen when the keyboard moves it.
  useEffect(() => {
    if (cursor !== null) virtualizer.scrollToIndex(Math.floor(cursor / columns), { align: 'auto' });
  }, [cursor, columns, virtualizer]);

  if (total === 0) return <div className="ds-grid-empty muted">No samples match. Clear the search or the filters.</div>;

  return (
    <div ref={scrollRef} className={`ds-grid ${view}`} data-testid="sample-grid" tabIndex={0} aria-label="Samples">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((line) => (
          <div
            key={line.key}
            className="ds-line"
            style={{
              transform: `translateY(${line.start}px)`,
              height: line.size,
              ['--tile' as string]: `${tileWidth}px`,
            }}
          >
            {Array.from({ length: columns }, (_, c) => {
              const index = line.index * columns + c;
              if (index >= count) return null;
              const sample = rows[index];
              const selected = index === cursor;
              if (!sample) return <div key={c} className={`ds-tile placeholder ${view}`} />;
              return (
                <button
                  key={sample.id}
                  className={`ds-tile ${view} ${selected ? 'selected' : ''}`}
                  data-testid="sample-tile"
                  data-row={sample.rowIndex}
                  aria-pressed={selected}
                  onClick={() => setCursor(index)}
                  title={sample.question}
                >
                  <Thumb sample={sample} />
                  <div className="ds-tile-text">
                    <div className="ds-q">{sample.question}</div>
                    <div className="ds-meta">
                      <span className="muted">#{sample.rowIndex}</span>
                      {view === 'list' ? <span className="ds-a">{sample.answer}</span> : null}
                      {sample.dataSource ? <span className="muted">{sample.dataSource}</span> : null}
                      <LabelChips sample={sample} />
                    </div>
                  </div>
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
