// The size of the text the charts draw on their canvas (axis ticks and titles, marks, the
// teacher line's label): CSS does not reach into a canvas, so the page says it. Presenter mode
// raises it for a projector.
import { createContext } from 'react';

/** Canvas text size in CSS pixels. */
export const CHART_TEXT_PX = { normal: 11, present: 16 } as const;

export const ChartTextContext = createContext<number>(CHART_TEXT_PX.normal);
