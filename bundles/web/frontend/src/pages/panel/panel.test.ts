import { describe, expect, it } from 'vitest';
import { contentKind, sizeLabel } from './Documents';
import { readSystem } from './Panel';
import { seriesOf } from './Observations';
import { findingLine, imagesByStudy, sortedProcedures } from './Procedures';
import { inOrder, multipartParts, type Placed } from './Viewer';

describe('the patient panel', () => {
  it('gives up on a system that does not answer within the bound, and says it stopped waiting', async () => {
    let aborted = false;
    const hanging = (signal: AbortSignal) => new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => { aborted = true; reject(new DOMException('aborted', 'AbortError')); });
    });
    const t0 = Date.now();
    expect(await readSystem(hanging, new AbortController().signal, 50)).toEqual({ kind: 'aborted' });
    expect(aborted).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('keeps an answer and an API error apart from the bound', async () => {
    const answer = { adapterId: 'a', status: 'OK' as const };
    expect(await readSystem(async () => answer, new AbortController().signal, 50)).toEqual({ kind: 'answered', answer });
    const failed = await readSystem(async () => { throw new Error('404'); }, new AbortController().signal, 50);
    expect(failed.kind).toBe('failed');
  });

  it('gives a document\'s size in bytes, KB or MB, in the reader\'s digits, and names what its content is', () => {
    expect(sizeLabel(912, 'en')).toEqual({ key: 'bytes', n: '912' });
    expect(sizeLabel(48_000, 'en')).toEqual({ key: 'kb', n: '47' });
    expect(sizeLabel(3_500_000, 'fa')).toEqual({ key: 'mb', n: '۳٫۳' });
    expect(contentKind('application/pdf')).toBe('pdf');
    expect(contentKind('image/jpeg')).toBe('image');
    expect(contentKind('application/rtf')).toBe('file');
  });

  it('lists a system\'s procedures soonest first, those without a time last', () => {
    expect(sortedProcedures([
      { procedureId: 'late', performedAt: '2026-12-14T08:30:00Z' },
      { procedureId: 'untimed' },
      { procedureId: 'soon', performedAt: '2026-12-10T06:00:00Z' },
    ]).map((p) => p.procedureId)).toEqual(['soon', 'late', 'untimed']);
  });

  it('reads a finding sent back as its coded meaning and confidence, in the reader\'s digits', () => {
    const a = { findingDisplay: 'Polyp of colon', summary: 'polyp 6 mm', confidence: 0.934 };
    expect(findingLine(a, 'en')).toBe('Polyp of colon · 93%');
    expect(findingLine(a, 'fa')).toBe('Polyp of colon · ۹۳٪');
    expect(findingLine({ summary: 'No abnormality' }, 'en')).toBe('No abnormality');
  });

  it('counts the images a system sent, not the findings the hub filed beside them', () => {
    const rows = [
      { studyInstanceUid: 's1', sopInstanceUid: 'i1', sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.1' },
      { studyInstanceUid: 's1', sopInstanceUid: 'i2', sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.1' },
      { studyInstanceUid: 's1', sopInstanceUid: 'sr', sopClassUid: '1.2.840.10008.5.1.4.1.1.88.33' },
      { studyInstanceUid: 's1', sopInstanceUid: 'sc', sopClassUid: '1.2.840.10008.5.1.4.1.1.7' },
      { studyInstanceUid: 's2', sopInstanceUid: 'i3', sopClassUid: '1.2.840.10008.5.1.4.1.1.7' },
    ];
    expect(imagesByStudy(rows, [{ remoteId: 'sr,sc' }])).toEqual({ s1: 2, s2: 1 });
  });

  it('groups numeric observations by code in time order and leaves text-only ones out', () => {
    const s = seriesOf([
      { code: '8867-4', codeSystem: 'http://loinc.org', display: 'Heart rate', value: 80, unit: '/min', effective: '2026-11-21T09:00:00Z' },
      { code: '8867-4', codeSystem: 'http://loinc.org', display: 'Heart rate', value: 72, unit: '/min', effective: '2026-11-20T09:00:00Z' },
      { code: '8480-6', codeSystem: 'http://loinc.org', display: 'Systolic blood pressure', value: 128, unit: 'mm[Hg]', effective: '2026-11-20T09:00:00Z' },
      { code: 'note', text: 'no value', effective: '2026-11-20T09:00:00Z' },
    ]);
    expect(s.map((x) => x.label)).toEqual(['Heart rate', 'Systolic blood pressure']);
    expect(s[0].points.map((p) => p.value)).toEqual([72, 80]);
  });

  it('splits a multipart/related body into its parts, bytes intact', () => {
    const enc = new TextEncoder();
    const a = new Uint8Array([0, 13, 10, 45, 45, 255]);
    const chunks = [enc.encode('--b1\r\nContent-Type: application/dicom\r\n\r\n'), a,
      enc.encode('\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nXYZ\r\n--b1--\r\n')];
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) { body.set(c, o); o += c.length; }
    const parts = multipartParts(body, 'multipart/related; type="application/dicom"; boundary=b1');
    expect(parts.map((p) => [...p])).toEqual([[...a], [...enc.encode('XYZ')]]);
    expect(() => multipartParts(body, 'application/dicom')).toThrow(/not multipart/);
  });


  it('orders a study’s images by series, then instance number (not as the archive sent them)', () => {
    const at = (series: string, number: number, sop: string): Placed => ({ series, number, sop, bytes: new Uint8Array() });
    const sorted = inOrder([at('1.2', 2, 'c'), at('1.2', 10, 'a'), at('1.1', 3, 'x'), at('1.2', 2, 'b')]);
    expect(sorted.map((p) => `${p.series}/${p.number}/${p.sop}`)).toEqual(['1.1/3/x', '1.2/2/b', '1.2/2/c', '1.2/10/a']);
  });
});

describe('a system’s answer', () => {
  it('reads what the capabilities read from the answer’s own members, not from a data field', async () => {
    const { membersOf } = await import('./Panel');
    const answer = {
      adapterId: 'ehr', systemType: 'EHR', status: 'OK', latencyMillis: 12, systemPatientId: 'p1',
      demographics: { familyName: 'Pond' }, observations: [{ code: 'x' }],
    };
    expect(membersOf(answer as never).map(([k]) => k)).toEqual(['demographics', 'observations']);
  });
});
