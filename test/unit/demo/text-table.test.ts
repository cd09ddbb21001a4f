import { describe, expect, it } from 'vitest';
import { textTable } from '../../../local/demo/text-table';

describe('textTable', () => {
  it('aligns text left and numbers right under their headers', () => {
    // Prepare
    const rows = [
      { alert_type: 'CRITICAL', alert_count: 7, avg_temperature: 92.31 },
      { alert_type: 'HIGH', alert_count: 12, avg_temperature: 87.5 },
    ];

    // Act
    const text = textTable(rows);

    // Assess
    expect(text.split('\n')).toEqual([
      'alert_type  alert_count  avg_temperature',
      '----------  -----------  ---------------',
      'CRITICAL              7            92.31',
      'HIGH                 12             87.5',
    ]);
  });

  it('keeps the given column order and shows nulls as blanks', () => {
    // Act
    const text = textTable([{ b: 'x', a: null }], ['a', 'b']);

    // Assess
    expect(text.split('\n')).toEqual(['a  b', '-  -', '   x']);
  });

  it('renders the chosen columns with fixed decimals', () => {
    // Act
    const text = textTable([{ t: 93 }, { t: 90.125 }], ['t'], { fixed: { t: 2 } });

    // Assess
    expect(text.split('\n').slice(2)).toEqual(['93.00', '90.13']);
  });

  it('says so when there are no rows', () => {
    // Act
    const text = textTable([], ['sensor_id']);

    // Assess
    expect(text.split('\n')[2]).toBe('(no rows)');
  });
});
