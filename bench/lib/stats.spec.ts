import { pairedRatios, type TimedSample } from './stats';

function timeline(
  ...rounds: [name: string, rps: number][][]
): TimedSample<number>[] {
  return rounds.flatMap((round, index) =>
    round.map(([name, sample]) => ({ name, round: index + 1, sample })),
  );
}

const rps = (sample: number) => sample;

describe('pairedRatios', () => {
  it('compares each sample with the mean of the references just before and after it', () => {
    const taken = timeline([
      ['baseline', 100],
      ['case', 90],
      ['baseline', 80],
    ]);
    expect(pairedRatios(taken, 'case', 'baseline', rps)).toEqual([1]);
  });

  it('uses the one neighbour a sample has when the round has no reference on its other side', () => {
    const taken = timeline([
      ['baseline', 100],
      ['case', 90],
    ]);
    expect(pairedRatios(taken, 'case', 'baseline', rps)).toEqual([0.9]);
  });

  it('takes the nearest reference, over samples of other cases in between', () => {
    const taken = timeline([
      ['baseline', 50],
      ['baseline', 100],
      ['jwt', 80],
      ['other', 10],
      ['case', 60],
      ['baseline', 20],
    ]);
    expect(pairedRatios(taken, 'jwt', 'baseline', rps)).toEqual([
      80 / 60, // (100 + 20) / 2
    ]);
    expect(pairedRatios(taken, 'other', 'jwt', rps)).toEqual([10 / 80]);
  });

  it('never pairs across rounds: a slow round is compared with itself', () => {
    const taken = timeline(
      [
        ['baseline', 100],
        ['case', 90],
      ],
      [
        ['case', 45],
        ['baseline', 50],
      ],
    );
    expect(pairedRatios(taken, 'case', 'baseline', rps)).toEqual([0.9, 0.9]);
  });

  it('leaves out a sample with no reference in its round', () => {
    const taken = timeline([['case', 90]], [['baseline', 100]]);
    expect(pairedRatios(taken, 'case', 'baseline', rps)).toEqual([]);
  });
});
