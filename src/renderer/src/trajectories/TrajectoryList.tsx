// The virtualized trajectory list: only rows on screen exist, and pages are fetched as they scroll into view,
// so a run of 100,000 trajectories opens and scrolls like a small one.
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { rowAt, useDebugger } from './store';

const ROW = 46;

export function TrajectoryList() {
  const total = useDebugger((s) => s.total);
  const pages = useDebugger((s) => s.pages);
  const index = useDebugger((s) => s.index);
  const ensure = useDebugger((s) => s.ensure);
  const select = useDebugger((s) => s.select);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [first, last, total, pages, ensure]);
  useEffect(() => {
    if (total > 0) virtual.scrollToIndex(index, { align: 'auto' });
  }, [index, total, virtual]);

  return (
    <div className="lab-list" ref={scroller} data-testid="trajectory-list" tabIndex={-1}>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const t = rowAt({ pages }, item.index);
          return (
            <div
              key={item.key}
              className={`lab-row${item.index === index ? ' current' : ''}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW,
                transform: `translateY(${item.start}px)`,
              }}
              onClick={() => void select(item.index)}
              data-testid="trajectory-row"
              data-id={t?.id}
            >
              {t ? (
                <>
                  <div className="lab-row-top">
                    <span>
                      s{t.step} g{t.groupIndex} #{t.sampleIndex}
                    </span>
                    <span className={(t.score ?? 0) > 0 ? 'lab-ok' : 'lab-bad'}>{(t.score ?? 0) > 0 ? '✓' : '✗'}</span>
                    <span className="muted">
                      {t.imageSearches + t.textSearches > 0 ? `${t.imageSearches}i ${t.textSearches}t` : 'no search'}
                    </span>
                    <span className="muted">r {t.total?.toFixed(2) ?? '—'}</span>
                    {t.zeroVariance ? <span className="lab-flag small">0σ</span> : null}
                  </div>
                  <div className="lab-row-q muted">{t.question ?? ''}</div>
                </>
              ) : (
                <span className="muted">…</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
