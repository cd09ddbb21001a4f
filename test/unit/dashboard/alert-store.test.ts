import { describe, expect, it } from 'vitest';
import { backlogStart } from '../../../local/dashboard/alert-feed';
import { AlertStore, type FeedAlert } from '../../../local/dashboard/alert-store';

function alert(offset: number, overrides: Partial<FeedAlert> = {}): FeedAlert {
  return {
    alert_id: `readings:0:${offset}`,
    sensor_id: 'sensor_1',
    temperature: 91,
    alert_type: 'CRITICAL',
    reading_timestamp: `2026-12-02T04:00:${String(offset % 60).padStart(2, '0')}.000000Z`,
    processing_timestamp: '2026-12-02T04:01:00.000000Z',
    location: 'zone_1',
    source_topic: 'readings',
    source_partition: 0,
    source_offset: String(offset),
    received_ms: 0,
    published_ms: 0,
    ...overrides,
  };
}

describe('AlertStore', () => {
  it('counts each alert id once and keeps the feed newest first', () => {
    // Arrange
    const store = new AlertStore();

    // Act
    const added = [
      store.add(alert(1)),
      store.add(alert(2, { alert_type: 'HIGH', temperature: 86 })),
      store.add(alert(1)),
      store.add(alert(3, { alert_type: 'MEDIUM', temperature: 81 })),
      store.add(alert(2, { alert_type: 'HIGH', temperature: 86 })),
    ];

    // Assess
    expect(added).toEqual([true, true, false, true, false]);
    const snapshot = store.snapshot();
    expect(snapshot.counts).toEqual({ CRITICAL: 1, HIGH: 1, MEDIUM: 1 });
    expect(snapshot.total).toBe(3);
    expect(snapshot.duplicates).toBe(2);
    expect(store.duplicateCount).toBe(2);
    expect(snapshot.recent.map((a) => a.source_offset)).toEqual(['3', '2', '1']);
  });

  it('bounds the feed, the points per sensor and the sensors on the chart', () => {
    // Arrange
    const store = new AlertStore({ feedSize: 2, pointsPerSensor: 3, maxSensors: 2 });

    // Act
    for (let i = 0; i < 5; i++) store.add(alert(i));
    store.add(alert(10, { sensor_id: 'sensor_2' }));
    store.add(alert(11, { sensor_id: 'sensor_3' }));

    // Assess
    const snapshot = store.snapshot();
    expect(snapshot.recent.map((a) => a.source_offset)).toEqual(['11', '10']);
    expect(Object.keys(snapshot.series).sort()).toEqual(['sensor_2', 'sensor_3']);
    expect(snapshot.total).toBe(7);
  });

  it("keeps a sensor's points in reading-time order when they arrive out of order", () => {
    // Arrange
    const store = new AlertStore();

    // Act
    store.add(alert(5));
    store.add(alert(3));
    store.add(alert(4));

    // Assess
    const times = store.snapshot().series.sensor_1!.map(([t]) => t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(3);
  });

  it('forgets the oldest ids past its bound, so memory stays bounded', () => {
    // Arrange
    const store = new AlertStore({ maxRememberedIds: 2 });
    store.add(alert(1));
    store.add(alert(2));
    store.add(alert(3));

    // Act / Assess: id 3 is remembered, id 1 was forgotten
    expect(store.add(alert(3))).toBe(false);
    expect(store.add(alert(1))).toBe(true);
  });
});

describe('backlogStart', () => {
  it('starts `backlog` messages before the end, never before the log start', () => {
    expect(backlogStart('0', '1000', 500)).toBe('500');
    expect(backlogStart('700', '1000', 500)).toBe('700');
    expect(backlogStart('0', '0', 500)).toBe('0');
    expect(backlogStart('0', '9007199254740993', 1)).toBe('9007199254740992');
  });
});
