import cytoscape from 'cytoscape';
const nodes = ['router-m', 'switch-a', 'switch-b', 'switch-c', 'host-d'].map((id) => ({ data: { id } }));
const edges = [
  ['router-m', 'switch-a'],
  ['switch-b', 'switch-a'],
  ['switch-c', 'switch-a'],
  ['host-d', 'switch-a'],
].map(([s, t], i) => ({ data: { id: 'e' + i, source: s, target: t } }));
for (const opts of [
  { nodeRepulsion: () => 20000, idealEdgeLength: () => 110 },
  { nodeRepulsion: () => 400000, idealEdgeLength: () => 100, nodeOverlap: 20 },
  {},
]) {
  const cy = cytoscape({
    headless: true,
    styleEnabled: true,
    style: [{ selector: 'node', style: { width: 22, height: 22 } }],
    elements: [...nodes, ...edges],
    layout: { name: 'cose', animate: false, randomize: true, ...opts },
  });
  const p = cy.getElementById('switch-a').position();
  console.log(
    cy
      .nodes()
      .map((n) => `${n.id()} ${Math.round(Math.hypot(n.position().x - p.x, n.position().y - p.y))}`)
      .join(', '),
  );
}
