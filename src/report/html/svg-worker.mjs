// Renders the HTML report's charts (vega-lite specs, in workerData) to SVG strings and posts them
// back in order. Plain JavaScript on a thread of its own, without tsx: vega and vega-lite load
// through Node's own module loader, several times faster than through tsx's hooks on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';

const svgs = [];
for (const spec of workerData) {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    svgs.push(await view.toSVG());
  } finally {
    view.finalize();
  }
}
parentPort.postMessage(svgs);
