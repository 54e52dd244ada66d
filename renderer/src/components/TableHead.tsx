import type { ReactNode } from 'react';

/** A column's heading: its label, or the label and the class that sizes or aligns the column. */
export type Column = string | { label: ReactNode; className?: string };

/** A table's row of column headings. */
export function TableHead({ columns, className }: { columns: readonly Column[]; className?: string }) {
  return (
    <thead className={className}>
      <tr>
        {columns.map((c, i) =>
          typeof c === 'string' ? (
            <th key={i} scope="col">
              {c}
            </th>
          ) : (
            <th key={i} scope="col" className={c.className}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
