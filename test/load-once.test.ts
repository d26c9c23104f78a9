import { loadOnce } from '../src/load-once';

describe('loadOnce', () => {
  test('loads on the first call only, and returns what it loaded every time', () => {
    let loads = 0;
    const module = { name: 'controllers' };
    const load = loadOnce(() => {
      loads++;
      return module;
    });
    expect(loads).toBe(0);
    expect(load()).toBe(module);
    expect(load()).toBe(module);
    expect(loads).toBe(1);
  });

  test('a loader that throws is tried again on the next call', () => {
    let calls = 0;
    const load = loadOnce(() => {
      calls++;
      if (calls === 1) {
        throw new Error('not yet');
      }
      return calls;
    });
    expect(() => load()).toThrow('not yet');
    expect(load()).toBe(2);
    expect(load()).toBe(2);
  });
});
