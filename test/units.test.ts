import { Size } from 'cdk8s';
import { describeSize } from '../src/units';

describe('describeSize: a Size as an error shows it', () => {
  test.each([
    [Size.kibibytes(10), '10Ki'],
    [Size.mebibytes(0.5), '512Ki'],
    [Size.mebibytes(256), '256Mi'],
    [Size.gibibytes(1.5), '1536Mi'],
    [Size.gibibytes(2), '2Gi'],
    [Size.gibibytes(0.1), '102.4Mi'],
    [Size.kibibytes(0.5), '0.5Ki'],
    [Size.mebibytes(0), '0'],
  ])('GIVEN %p THEN %s', (size, expected) => {
    expect(describeSize(size)).toBe(expected);
  });
});
