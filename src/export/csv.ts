// The listings as CSV: UTF-8 with a BOM (Excel in Japan opens UTF-8 CSV correctly only with one),
// RFC 4180 (CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF, its quotes
// doubled), and no cell a spreadsheet would run as a formula (OWASP's CSV injection advice).
// As of a day, one row a seat in force: the listing in force that day. Without asOf, one row a
// listing: each seat as each revision printed it, so a seat listed by two revisions has two rows,
// each with that revision's position and source (README, "Exports").
import type { ExportData, ExportListing } from './directory.js';

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
  'validFromIsCoverageStart',
  'listedFrom',
  'listedTo',
  'seat',
] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>;

const BOM = '\uFEFF';

export function listingRow(listing: ExportListing): CsvRow {
  const { seat, source } = listing;
  return {
    body: seat.body,
    role: seat.role,
    position: String(listing.position),
    title: seat.post.title,
    organization: seat.post.organization.name,
    validFrom: seat.validFrom,
    validTo: seat.validTo ?? '',
    instrument: source.instrument.title,
    revisionDecidedOn: source.revision.decidedOn,
    revisionEffectiveOn: source.revision.effectiveOn ?? '',
    clause: source.clause,
    validFromIsCoverageStart: String(seat.validFromIsCoverageStart),
    listedFrom: listing.listedFrom,
    listedTo: listing.listedTo ?? '',
    seat: seat.id,
  };
}

/**
 * One cell. A value a spreadsheet would take for a formula — beginning with =, +, -, @, a tab or a
 * CR (OWASP, "CSV Injection") — gets a leading single quote and is quoted, so Excel, LibreOffice
 * and Google Sheets show it as text; otherwise RFC 4180 quoting where a comma, quote, CR or LF
 * needs it.
 */
export function csvField(value: string): string {
  if (/^[=+\-@\t\r]/.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(data: ExportData): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const listing of data.listings) {
    const row = listingRow(listing);
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
    ascii: `meibo-seats-${data.body ?? 'all'}-${day}${data.knownAt ? `-decided-by-${data.knownAt}` : ''}.csv`,
    utf8: `名簿-${body?.name ?? '全会議'}-${day}${data.knownAt ? `-決定日${data.knownAt}まで` : ''}.csv`,
  };
}
