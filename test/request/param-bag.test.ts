import { describe, expect, it } from 'vitest';
import { collapseSource, ParamBag } from '../../src/request/param-bag.ts';
import { winningSource } from './bag-trace.ts';

describe('ParamBag', () => {
  it('treats names case-insensitively', () => {
    const bag = new ParamBag([['query', [['LAUNCHID', '5']]]]);
    expect(bag.get('launchid')).toBe('5');
    expect(bag.get('LaunchID')).toBe('5');
    expect(bag.get('LaunchId')).toBe('5');
  });

  it('joins a name repeated within one source with commas, in any letter case', () => {
    expect(collapseSource([['LaunchID', '5'], ['launchid', '6'], ['LAUNCHID', '']])).toEqual(new Map([['launchid', '5,6,']]));
  });

  it('lets the first source that has a name win: query, then form, then xml', () => {
    const bag = new ParamBag([
      ['query', [['a', 'from-query']]],
      ['form', [['A', 'from-form'], ['b', 'from-form']]],
      ['xml', [['a', 'from-xml'], ['b', 'from-xml'], ['c', 'from-xml']]],
    ]);
    expect([bag.get('a'), bag.get('b'), bag.get('c'), bag.get('d')]).toEqual(['from-query', 'from-form', 'from-xml', undefined]);
    expect([winningSource(bag, 'a'), winningSource(bag, 'b'), winningSource(bag, 'c')]).toEqual(['query', 'form', 'xml']);
    expect(bag.inSource('xml', 'A')).toBe('from-xml');
  });

  it('traces every parameter as each source gave it, first spelling of a name, and which value won', () => {
    const bag = new ParamBag([
      ['query', [['LaunchID', '5'], ['launchid', '6'], ['ReturnType', 'CSV']]],
      ['form', [['LAUNCHID', '7'], ['ManagerLoginName', 'acme']]],
    ]);
    expect(bag.traced()).toEqual([
      { name: 'LaunchID', value: '5,6', source: 'query', used: true },
      { name: 'ReturnType', value: 'CSV', source: 'query', used: true },
      { name: 'LAUNCHID', value: '7', source: 'form', used: false },
      { name: 'ManagerLoginName', value: 'acme', source: 'form', used: true },
    ]);
  });

  it('does not join across sources', () => {
    const bag = new ParamBag([['query', [['x', '1']]], ['form', [['x', '2']]]]);
    expect(bag.get('x')).toBe('1');
  });

  it('an empty value still shadows later sources, and text() reads blank as absent', () => {
    const bag = new ParamBag([['query', [['x', '  ']]], ['form', [['x', '2']]]]);
    expect(bag.get('x')).toBe('  ');
    expect(bag.text('x')).toBeUndefined();
  });

  it('firstText takes the first non-blank of several spellings', () => {
    const bag = new ParamBag([['query', [['SuccessfulUr', '/ok'], ['SuccessfulUrl', '']]]]);
    expect(bag.firstText('SuccessfulUrl', 'SuccessfulUr')).toBe('/ok');
  });

  it('add() appends a lower-priority source', () => {
    const bag = new ParamBag([['query', [['a', '1']]]]).add('xml', [['a', '2'], ['b', '3']]);
    expect([bag.get('a'), bag.get('b')]).toEqual(['1', '3']);
  });
});
