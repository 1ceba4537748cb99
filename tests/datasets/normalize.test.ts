import { describe, expect, it } from 'vitest';
import { normalizeRecord, questionFromPrompt } from '../../src/main/datasets/formats/normalize';
import { splitFromPath } from '../../src/main/datasets/formats/types';

const record = (fields: Record<string, unknown>) => ({ file: 'f.jsonl', row: 7, fields, split: null });

describe('reading one row', () => {
  it('takes the question from the last user message of a veRL prompt, without the image placeholder', () => {
    expect(
      questionFromPrompt([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: '<image>\nWho painted this?' },
      ]),
    ).toBe('Who painted this?');
    const { row } = normalizeRecord(
      record({
        prompt: [{ role: 'user', content: '<image>Long instructions… Question: Who painted this?' }],
        extra_info: { question: 'Who painted this?', split: 'test', index: 3n },
        reward_model: { ground_truth: 'Vermeer', candidate_answers: '["Johannes Vermeer"]', style: 'rule' },
        ability: 'fact',
      }),
    );
    expect(row).toMatchObject({
      question: 'Who painted this?',
      answer: 'Vermeer',
      candidates: ['Johannes Vermeer'],
      split: 'test',
      dataId: '3',
      extra: { ability: 'fact' },
    });
  });

  it('names the field of candidate answers that are not a JSON list, and of a prompt that is not messages', () => {
    expect(
      normalizeRecord(record({ question: 'q', reward_model: { ground_truth: 'a', candidate_answers: '["x", ' } }))
        .rejections,
    ).toEqual([
      {
        file: 'f.jsonl',
        row: 7,
        field: 'reward_model.candidate_answers',
        reason: expect.stringMatching(/^not a JSON list of strings/),
      },
    ]);
    expect(normalizeRecord(record({ prompt: [{ role: 'user' }], answer: 'a' })).rejections.map((r) => r.field)).toEqual(
      ['prompt[0]'],
    );
    expect(normalizeRecord(record({ question: 'q', answer: 'a', search_need: 'sometimes' })).rejections).toEqual([
      { file: 'f.jsonl', row: 7, field: 'search_need', reason: expect.stringMatching(/^expected one of search_free/) },
    ]);
  });

  it('tells image paths, URLs, data URIs and base64 apart', () => {
    const image = (value: unknown) => normalizeRecord(record({ question: 'q', answer: 'a', image: value })).row?.image;
    expect(image('imgs/a.jpg')).toEqual({ kind: 'path', path: 'imgs/a.jpg', field: 'image' });
    expect(image('https://example.org/a.jpg')).toEqual({
      kind: 'url',
      url: 'https://example.org/a.jpg',
      field: 'image',
    });
    expect(image('data:image/png;base64,iVBORw0KGgo=')).toMatchObject({ kind: 'bytes', field: 'image' });
    expect(image('A'.repeat(100))).toMatchObject({ kind: 'bytes', field: 'image' });
    expect(image({ bytes: null, path: 'b.png' })).toEqual({ kind: 'path', path: 'b.png', field: 'image.path' });
    expect(
      normalizeRecord(record({ question: 'q', answer: 'a', image: 'data:image/png,raw' })).rejections[0],
    ).toMatchObject({ field: 'image', reason: 'a data: URI must be base64-encoded' });
  });

  it('reads the split from HF shard and folder names', () => {
    expect(splitFromPath('data/train-00000-of-00002.parquet')).toBe('train');
    expect(splitFromPath('validation/part-0.parquet')).toBe('validation');
    expect(splitFromPath('fvqa_test.jsonl')).toBe('test');
    expect(splitFromPath('contested.jsonl')).toBeNull();
  });

  it("keeps a row's image URL only when a web service could fetch it (Google Lens searches it; else the image is uploaded)", () => {
    const urlOf = (fields: Record<string, unknown>) =>
      normalizeRecord(record({ question: 'q', answer: 'a', ...fields })).row?.imageUrl;
    expect(urlOf({ image_url: 'https://img.example.org/cat.jpg' })).toBe('https://img.example.org/cat.jpg');
    expect(urlOf({ image: 'imgs/0.jpg', image_urls: ['http://93.184.216.34/cat.jpg'] })).toBe(
      'http://93.184.216.34/cat.jpg',
    );
    for (const local of [
      'imgs/1.jpg',
      '/data/imgs/1.jpg',
      'file:///data/imgs/1.jpg',
      'data:image/png;base64,iVBORw0KGgo=',
      'sha256://3f2a9c0b',
      'ftp://img.example.org/cat.jpg',
      'http://127.0.0.1:8080/cat.jpg',
      'http://localhost/cat.jpg',
      'http://192.168.1.20/cat.jpg',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/cat.jpg',
    ]) {
      expect(urlOf({ image: 'imgs/0.jpg', image_url: local }), local).toBeNull();
      expect(urlOf({ image: 'imgs/0.jpg', image_urls: [local] }), local).toBeNull();
    }
  });
});
