import { describe, expect, it } from 'vitest';
import { batched, recordCount, shouldStream, streamOf, STREAM_ABOVE_RECORDS } from '../../src/render/stream-body.ts';
import { errorAnswer, type JobView, type Answer } from '../../src/render/answer.ts';
import { csvStream, renderCsv } from '../../src/render/csv-response.ts';
import { renderXml, xmlChunks } from '../../src/render/xml-response.ts';
import { launchResponse } from './render-fixtures.ts';

function launchWith(jobCount: number, recipientsPerJob = 0): Answer {
  const jobs: JobView[] = Array.from({ length: jobCount }, (_, i) => ({
    jobId: 9000 + i,
    launchId: 5001,
    jobType: 'EMAIL',
    status: 6,
    errorCode: 0,
    statusText: '處理發送中',
    reportPath: '',
    recipients: Array.from({ length: recipientsPerJob }, () => ({ emailAddress: 'a@example.com', smsNumber: '', externRefNum: '', deliveryStatus: 'SENT' })),
  }));
  return {
    errorCode: 0, errorMsg: '', launchId: '5001', jobId: '', userId: '1002', customerId: 'ACME', reportPath: '',
    launch: { launchId: 5001, launchName: 'n', userId: 1002, status: 1, errorCode: 0, launchCount: 0, statusText: '', expireTime: '', jobs },
  };
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream as AsyncIterable<string | Buffer>) out += chunk.toString();
  return out;
}

describe('batched', () => {
  it.each([
    [[], 4, []],
    [['a'], 4, ['a']],
    [['ab', 'cd', 'e'], 4, ['abcd', 'e']],
    [['abcdef', 'g'], 4, ['abcdef', 'g']],
    [['ab', 'cd'], 4, ['abcd']],
    [['', '', 'a', ''], 1, ['a']],
  ])('joins %j into chunks of at least %i characters: %j', (pieces, size, expected) => {
    expect([...batched(pieces, size)]).toEqual(expected);
  });

  it('loses and reorders nothing', () => {
    const pieces = Array.from({ length: 5000 }, (_, i) => `<e>${i}</e>`);
    const chunks = [...batched(pieces, 1000)];
    expect(chunks.join('')).toBe(pieces.join(''));
    expect(chunks.slice(0, -1).every((chunk) => chunk.length >= 1000)).toBe(true);
  });

  it('pulls pieces lazily, one chunk at a time', () => {
    let produced = 0;
    function* pieces() {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield 'xxxxxxxxxx';
      }
    }
    const iterator = batched(pieces(), 50);
    iterator.next();
    expect(produced).toBe(5);
  });
});

describe('streamOf', () => {
  it('streams exactly the text of the pieces, multi-byte characters intact', async () => {
    const pieces = Array.from({ length: 3000 }, (_, i) => `<StatusText>處理發送中 ${i}</StatusText>`);
    expect(await text(streamOf(pieces))).toBe(pieces.join(''));
  });
});

describe('which answers are streamed', () => {
  it.each([
    ['an error', errorAnswer(111), 1],
    ['a launch without jobs', launchWith(0), 1],
    ['a launch with 3 jobs', launchWith(3), 4],
    ['a launch with 10 jobs of 5 recipients', launchWith(10, 5), 61],
  ])('counts the records of %s', (_label, response, count) => {
    expect(recordCount(response)).toBe(count);
  });

  it('streams above the threshold only', () => {
    expect(shouldStream(launchWith(STREAM_ABOVE_RECORDS - 1))).toBe(false);
    expect(shouldStream(launchWith(STREAM_ABOVE_RECORDS))).toBe(true);
    expect(shouldStream(launchWith(10_000))).toBe(true);
    expect(shouldStream(errorAnswer(100))).toBe(false);
  });
});

describe('streamed answers are byte for byte the built ones', () => {
  const hostile = launchResponse();
  hostile.launch!.launchName = '=HYPERLINK("x"), "quoted"\r\nnew line 週年慶';
  it.each([
    ['an error', errorAnswer(111, { launchId: '7' })],
    ['the fixture launch (recipients, Chinese)', launchResponse()],
    ['cells that need quoting and neutralising', hostile],
    ['a launch with 1,000 jobs', launchWith(1000, 1)],
  ])('CSV of %s, with and without BOM', async (_label, response) => {
    expect(await text(csvStream(response))).toBe(await renderCsv(response));
    expect(await text(csvStream(response, { bom: true }))).toBe(await renderCsv(response, { bom: true }));
  });

  it.each([
    ['an error', errorAnswer(100)],
    ['the fixture launch', launchResponse()],
    ['a launch with 1,000 jobs', launchWith(1000, 1)],
  ])('XML of %s', async (_label, response) => {
    expect(await text(streamOf(xmlChunks(response)))).toBe(renderXml(response));
  });
});
