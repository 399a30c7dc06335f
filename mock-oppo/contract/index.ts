/** The contract check: record real exchanges through a proxy, replay them against the fake, report the differences. */
export { readPairs, writePair, type RecordedAnswer, type RecordedPair, type RecordedRequest } from './pairs.ts';
export { Pseudonyms, scrubSecrets, startRecorder, type ContractAdapter, type Recorder } from './record.ts';
export { comparePair, formatReport, Substitutions, type ContractReport, type PairDifference } from './replay.ts';
export { jsonType, shapeDifferences } from './shape.ts';
export { oppoAdapter, verifyOppo } from './oppo.ts';
