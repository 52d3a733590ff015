// The sequence diagram as lanes and rows, before any drawing: one lifeline per participant plus the
// network (the group the frames travel through), one row per step in time order. Sends and joins
// point from the participant into the network; expects point from the network to the participant.
import { actorOf } from '@netspotter/shared/sequences';
import { stepLabel, type SequenceDoc } from './document.ts';

export type RowShape =
  | { shape: 'arrow'; from: number; to: number; style: 'message' | 'control' | 'none' }
  | { shape: 'box'; lanes: number[] }
  | { shape: 'bar' };

export type DiagramRow = RowShape & {
  key: number;
  label: string;
  /** The step names a participant the diagram does not have. */
  orphan: boolean;
};

export interface DiagramLayout {
  lanes: string[];
  /** Lane index of the network. */
  network: number;
  rows: DiagramRow[];
}

export function layoutDiagram(doc: SequenceDoc): DiagramLayout {
  const lanes = doc.participants.map((p) => p.name);
  const network = lanes.length;
  const laneOf = (name: string | undefined) => (name === undefined ? -1 : lanes.indexOf(name));
  const rows = doc.steps.map(({ key, step }): DiagramRow => {
    const label = stepLabel(step);
    const actor = actorOf(step);
    const lane = laneOf(actor);
    const orphan = actor !== undefined && lane < 0;
    const at = lane < 0 ? 0 : lane;
    switch (step.op) {
      case 'send':
        return { key, label, orphan, shape: 'arrow', from: at, to: network, style: 'message' };
      case 'join':
      case 'leave':
        return { key, label, orphan, shape: 'arrow', from: at, to: network, style: 'control' };
      case 'expect':
        return { key, label, orphan, shape: 'arrow', from: network, to: at, style: 'message' };
      case 'expect-none':
        return { key, label, orphan, shape: 'arrow', from: network, to: at, style: 'none' };
      case 'wait':
        return {
          key,
          label,
          orphan,
          shape: 'box',
          lanes: actor === undefined ? lanes.map((_, i) => i) : [at],
        };
      case 'barrier':
        return { key, label, orphan, shape: 'bar' };
    }
  });
  return { lanes: [...lanes, 'network'], network, rows };
}

/** The row a pointer at `y` drops on, for drag-to-reorder (rows of equal height below `top`). */
export function dropIndex(y: number, top: number, rowHeight: number, rowCount: number): number {
  return Math.max(0, Math.min(rowCount - 1, Math.floor((y - top) / rowHeight)));
}
