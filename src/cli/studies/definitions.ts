// The findings studies `npm run study` knows, in the order the findings page lists them.
import type { Study } from './study';
import { exposureBias } from './exposureBias';
import { modeSeeking } from './modeSeeking';
import { momentMatching } from './momentMatching';
import { skew } from './skew';
import { minillmXkd } from './minillmXkd';
import { ammdCritic } from './ammdCritic';
import { headToHead, headToHeadLr } from './headToHead';
import { defaultLr } from './defaultLr';
import { capacity } from './capacity';

export const STUDIES: readonly Study[] = [
  exposureBias,
  modeSeeking,
  momentMatching,
  skew,
  minillmXkd,
  ammdCritic,
  headToHeadLr,
  headToHead,
  defaultLr,
  capacity,
];

export function getStudy(name: string): Study {
  const st = STUDIES.find((x) => x.name === name);
  if (!st) throw new Error(`Unknown study '${name}'. Studies: ${STUDIES.map((x) => x.name).join(', ')}`);
  return st;
}
