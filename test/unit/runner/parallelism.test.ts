import { expect } from 'chai';
import { chooseParallelism, cores } from '../../../harness/runner/parallelism.ts';

const node = (cpu: string, ready = 'True', unschedulable = false) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  spec: { unschedulable },
  status: { allocatable: { cpu }, conditions: [{ type: 'Ready', status: ready }] },
});

describe('default parallelism', () => {
  it('reads CPU quantities', () => {
    expect(cores('4')).to.equal(4);
    expect(cores('3500m')).to.equal(3.5);
  });
  it('scales with the CPUs of ready, schedulable nodes, within bounds', () => {
    expect(chooseParallelism([node('4'), node('4'), node('4')])).to.equal(6);
    expect(chooseParallelism([node('4'), node('32', 'False'), node('32', 'True', true)])).to.equal(2);
    expect(chooseParallelism([node('1000')])).to.equal(12);
    expect(chooseParallelism([])).to.equal(2);
  });
});
