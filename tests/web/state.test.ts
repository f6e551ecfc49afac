// The page's URL (what a dashboard links to) and its days in both calendars.
import { describe, expect, it } from 'vitest';
import { bothForms, todayInJapan } from '../../web/src/days.js';
import { readState, writeState } from '../../web/src/state.js';

describe('the URL of a view', () => {
  it('reads the link a dashboard would make', () => {
    expect(readState('?view=roster&body=secretariat&asOf=%E4%BB%A4%E5%92%8C7%E5%B9%B47%E6%9C%881%E6%97%A5')).toEqual({
      view: 'roster',
      unknownView: null,
      body: 'secretariat',
      asOf: '令和7年7月1日',
      from: null,
      to: null,
      revision: null,
      all: false,
    });
  });

  it('round-trips each view, naming only what that view uses', () => {
    const state = { view: 'changes' as const, unknownView: null, body: 'deputy-director-meeting', asOf: '2025-07-01', from: '2025-06-30', to: '2025-07-01', revision: null, all: true };
    const search = writeState(state);
    expect(search).toBe('?view=changes&body=deputy-director-meeting&from=2025-06-30&to=2025-07-01');
    expect(readState(search)).toEqual({ ...state, asOf: null, all: false });
    expect(writeState({ ...state, view: 'timeline' })).toBe('?view=timeline&body=deputy-director-meeting&all=1');
  });

  it('names a revision in the link of what it changed, in place of the days', () => {
    const state = readState('?view=changes&body=secretariat&revision=15&from=2025-06-30');
    expect(state).toMatchObject({ view: 'changes', revision: 15 });
    expect(writeState(state)).toBe('?view=changes&body=secretariat&revision=15');
    expect(readState('?view=changes&revision=1e3').revision).toBeNull();
  });

  it('links the editor’s view by itself: no body, and never a token', () => {
    const state = readState('?view=editor&body=secretariat&asOf=2025-07-01');
    expect(state.view).toBe('editor');
    expect(writeState(state)).toBe('?view=editor');
  });

  it('keeps an unknown view, so that the page can say so, and never writes it back', () => {
    const state = readState('?view=nope&body=secretariat');
    expect(state).toMatchObject({ view: 'roster', unknownView: 'nope' });
    expect(writeState({ ...state, view: 'timeline' })).toBe('?view=timeline&body=secretariat');
  });
});

describe('days', () => {
  it('shows a day in 和暦 and ISO, whichever was typed', () => {
    expect(bothForms('2025-07-01')).toBe('令和7年7月1日（2025-07-01）');
    expect(bothForms('R1.5.1')).toBe('令和元年5月1日（2019-05-01）');
    expect(bothForms('not a day')).toBe('not a day');
  });

  it('takes today in Japan, not in the browser’s zone', () => {
    // 2025-06-30 16:00 UTC is already 2025-07-01 in Tokyo
    expect(todayInJapan(new Date('2025-06-30T16:00:00Z'))).toBe('2025-07-01');
    expect(todayInJapan(new Date('2025-06-30T14:59:59Z'))).toBe('2025-06-30');
  });
});
