/** Empty space standing for items of the list that are not drawn. */
export function ListGap({ height, row = false }: { height: number; row?: boolean }) {
  if (height <= 0) return null;
  // In a table body the space is a row (no cells: nothing to read or focus).
  return row ? <tr className="list-gap" aria-hidden="true" style={{ height }} /> : <div className="list-gap" aria-hidden="true" style={{ height }} />;
}
