// The map as a PNG file with its colour key and a caption (what it shows, when) drawn below the graph.
import type { KeyEntry } from './map-key.ts';

const LINE = 22;

export async function pngWithKey(map: Blob, key: KeyEntry[], caption: string): Promise<Blob> {
  const image = await createImageBitmap(map);
  const scale = Math.max(1, Math.round(image.width / 1600)); // key text readable at the image's size
  const band = (LINE * (key.length + 2) + 10) * scale;
  const canvas = document.createElement('canvas');
  const measure = canvas.getContext('2d')!;
  measure.font = '14px sans-serif';
  canvas.width = Math.max(image.width, (measure.measureText(caption).width + 24) * scale, 320 * scale);
  canvas.height = image.height + band;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(image, 0, 0);
  g.scale(scale, scale);
  const top = image.height / scale + 8;
  g.fillStyle = '#111111';
  g.font = '14px sans-serif';
  g.fillText(caption, 12, top + 14);
  key.forEach((k, i) => {
    const y = top + LINE * (i + 1) + 14;
    g.strokeStyle = k.colour;
    g.fillStyle = k.colour;
    g.setLineDash(k.dashed ? [5, 3] : []);
    if (k.kind === 'edge') {
      g.lineWidth = k.width ?? 2;
      g.beginPath();
      g.moveTo(12, y - 5);
      g.lineTo(38, y - 5);
      g.stroke();
    } else {
      g.lineWidth = 3;
      g.beginPath();
      if (k.role === 'switch' || k.role === 'host') g.rect(18, y - 12, 14, 14);
      else if (k.role === 'unmanaged') {
        g.moveTo(25, y - 13);
        g.lineTo(33, y - 5);
        g.lineTo(25, y + 3);
        g.lineTo(17, y - 5);
        g.closePath();
      } else g.arc(25, y - 5, 7, 0, 2 * Math.PI);
      if (k.ring) g.stroke();
      else g.fill();
    }
    g.setLineDash([]);
    g.fillStyle = '#111111';
    g.font = '13px sans-serif';
    g.fillText(k.label, 48, y);
  });
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))),
      'image/png',
    ),
  );
}
