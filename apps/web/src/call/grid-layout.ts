import { type RefObject, useLayoutEffect, useState } from 'react';

export interface GridLayout {
  columns: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * The layout that shows `n` tiles of `aspect` (width / height) largest in a `width` x `height`
 * stage: try each column count, keep the one with the widest tiles. Small portrait stages (phones)
 * fill the cells instead, since 16:9 tiles would leave most of the screen empty.
 */
export function bestGridLayout(n: number, width: number, height: number, gap: number, aspect = 16 / 9): GridLayout {
  if (n === 0 || width <= 0 || height <= 0) return { columns: 1, tileWidth: 0, tileHeight: 0 };
  if (width < 640 && height > width) {
    const columns = n <= 2 ? 1 : 2;
    const rows = Math.ceil(n / columns);
    return {
      columns,
      tileWidth: Math.floor((width - gap * (columns - 1)) / columns),
      tileHeight: Math.floor((height - gap * (rows - 1)) / rows),
    };
  }
  let best: GridLayout = { columns: 1, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.floor(Math.min(cellWidth, cellHeight * aspect));
    if (tileWidth > best.tileWidth) best = { columns, tileWidth, tileHeight: Math.floor(tileWidth / aspect) };
  }
  return best;
}

/** The content size of an element, followed with a ResizeObserver. */
export function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const width = el.clientWidth;
      const height = el.clientHeight;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
