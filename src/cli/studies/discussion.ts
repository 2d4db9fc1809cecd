// What the runs of each study mean, written after reading them: the "why" behind a verdict,
// printed on the study's page under "Discussion". Kept beside the code so a re-run regenerates
// the same page; if a re-run changes the numbers, this text must be re-read.
export const DISCUSSION: Record<string, string[]> = {};
