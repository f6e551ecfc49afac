// The seats as CSV, one row a seat: UTF-8 with a BOM (Excel in Japan opens UTF-8 CSV correctly
// only with one), RFC 4180 (CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF,
// its quotes doubled).
import type { ExportData, ExportSeat } from './directory.js';

export const CSV_COLUMNS = [
  'body',
  'role',
  'position',
  'title',
  'organization',
  'validFrom',
  'validTo',
  'instrument',
  'revisionDecidedOn',
  'revisionEffectiveOn',
  'clause',
] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>;

const BOM = '\uFEFF';

export function seatRow(seat: ExportSeat): CsvRow {
  return {
    body: seat.body,
    role: seat.role,
    position: String(seat.position),
    title: seat.post.title,
    organization: seat.post.organization.name,
    validFrom: seat.validFrom,
    validTo: seat.validTo ?? '',
    instrument: seat.source.instrument.title,
    revisionDecidedOn: seat.source.revision.decidedOn,
    revisionEffectiveOn: seat.source.revision.effectiveOn ?? '',
    clause: seat.source.clause,
  };
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(data: ExportData): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const seat of data.seats) {
    const row = seatRow(seat);
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return BOM + lines.join('\r\n') + '\r\n';
}

/** RFC 4180 back into rows of fields (a leading BOM dropped): for tests and for checking a file. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith(BOM) ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The file name a download gets: ASCII (meibo-seats-secretariat-2025-07-01.csv) and, for filename*, with the body's name. */
export function csvFileNames(data: ExportData): { ascii: string; utf8: string } {
  const day = data.asOf ?? 'history';
  const body = data.body ? data.bodies.find((b) => b.code === data.body) : undefined;
  return {
    ascii: `meibo-seats-${data.body ?? 'all'}-${day}.csv`,
    utf8: `名簿-${body?.name ?? '全会議'}-${day}.csv`,
  };
}
