// The pure rules behind OUT_OF_COVERAGE and the diff, on plain values.
import { describe, expect, it } from 'vitest';
import { coveredRanges, covers, describeRanges } from '../../src/domain/coverage.js';
import { parseDay, type IsoDay } from '../../src/domain/dates.js';
import { diffSeats } from '../../src/domain/diff.js';

const d = (s: string) => parseDay(s) as IsoDay;

describe('coverage', () => {
  const designated = [
    { inForceFrom: d('2015-02-13'), contentKnown: false },
    { inForceFrom: d('2023-05-26'), contentKnown: false },
    { inForceFrom: d('2024-03-25'), contentKnown: true },
    { inForceFrom: d('2025-07-01'), contentKnown: true },
  ];

  it('starts at the first revision whose text is known and runs on while no later one is known', () => {
    expect(coveredRanges(designated)).toEqual([{ from: '2024-03-25', to: null }]);
  });

  it('covers the first known day and not the day before', () => {
    const ranges = coveredRanges(designated);
    expect(covers(ranges, d('2024-03-25'))).toBe(true);
    expect(covers(ranges, d('2024-03-24'))).toBe(false);
    expect(covers(ranges, d('2099-01-01'))).toBe(true);
  });

  it('leaves a gap where a revision is known by date only', () => {
    const ranges = coveredRanges([
      { inForceFrom: d('2020-01-01'), contentKnown: true },
      { inForceFrom: d('2021-01-01'), contentKnown: false },
      { inForceFrom: d('2022-01-01'), contentKnown: true },
    ]);
    expect(ranges).toEqual([{ from: '2020-01-01', to: '2021-01-01' }, { from: '2022-01-01', to: null }]);
    expect(covers(ranges, d('2021-06-01'))).toBe(false);
    expect(describeRanges(ranges)).toBe('from 2020-01-01 up to (not including) 2021-01-01, from 2022-01-01 onwards');
  });

  it('covers nothing for a body whose roster no source gives', () => {
    expect(coveredRanges([{ inForceFrom: d('2015-02-10'), contentKnown: false }])).toEqual([]);
    expect(describeRanges([])).toBe('no day at all');
  });
});

describe('diffSeats', () => {
  const seat = (seatKey: string, tenureId: number) => ({ seatKey, tenureId });

  it('pairs a new title in the same seat as a rename, not a removal and an addition', () => {
    const diff = diffSeats([seat('chair', 1), seat('m1', 2)], [seat('chair', 9), seat('m1', 2)]);
    expect(diff.renamed).toEqual([{ before: seat('chair', 1), after: seat('chair', 9) }]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unchanged).toEqual([seat('m1', 2)]);
  });

  it('reports seats that appear or disappear as added and removed', () => {
    const diff = diffSeats([seat('m1', 1), seat('m2', 2)], [seat('m1', 1), seat('m3', 3)]);
    expect(diff.removed).toEqual([seat('m2', 2)]);
    expect(diff.added).toEqual([seat('m3', 3)]);
    expect(diff.renamed).toEqual([]);
  });

  it('keeps a seat whose position (and slot key) moved as the same seat, not a rename', () => {
    // m2 was removed; m3 moved up into m2's slot, whose key it now carries
    const diff = diffSeats([seat('m1', 1), seat('m2', 2), seat('m3', 3)], [seat('m1', 1), seat('m2', 3)]);
    expect(diff.unchanged).toEqual([seat('m1', 1), seat('m2', 3)]);
    expect(diff.removed).toEqual([seat('m2', 2)]);
    expect(diff.renamed).toEqual([]);
    expect(diff.added).toEqual([]);
  });
});
