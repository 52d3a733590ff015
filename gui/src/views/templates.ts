// Template editor: build a message field by field with a live hex view from the shared encoder,
// define templates of your own, and open frames from capture files.
import { MessageError, type Message } from '@netspotter/shared';
import { encodeDetailed } from '@netspotter/shared/packet/encode';
import { fill, h } from '../dom.ts';
import type { View } from '../router.ts';
import { fieldSpans } from '../templates/byte-map.ts';
import { definitionEditor } from '../templates/definition-editor.ts';
import { hexView } from '../templates/hex-view.ts';
import { messageEditor, type MessageEditor } from '../templates/message-editor.ts';
import { pcapImport } from '../templates/pcap-import.ts';
import { RequestError } from '../api.ts';
import {
  checkTemplates,
  deleteUserTemplate,
  loadUserTemplates,
  saveUserTemplate,
} from '../templates/user-templates.ts';

const MESSAGE_KEY = 'netspotter.message.v1';
const STARTER: Message = {
  template: 'ethernet',
  values: {
    body: { template: 'ipv6', values: { body: { template: 'udp', values: { body: '48656c6c6f' } } } },
  },
};

function loadMessage(): Message {
  try {
    const m = JSON.parse(localStorage.getItem(MESSAGE_KEY) ?? 'null') as Message | null;
    return m && typeof m.template === 'string' ? m : structuredClone(STARTER);
  } catch {
    return structuredClone(STARTER);
  }
}

export const templatesView: View = {
  path: '/templates',
  title: 'Templates',
  minRole: 'viewer',
  async render(root) {
    const { defs, versions } = await loadUserTemplates().catch(() => ({
      defs: [],
      versions: new Map<string, number>(),
    }));
    let checked = checkTemplates(defs);
    let message = loadMessage();
    let selected: string | undefined;
    let editor: MessageEditor | undefined;

    const rootPick = h('select', { id: 'root-template' });
    const editorSlot = h('div', { class: 'editor-slot' });
    const unplaced = h('ul', { class: 'issues', 'aria-live': 'polite' });
    const hex = hexView((path) => select(path));
    const select = (path: string | undefined) => {
      selected = path;
      editor?.select(path);
      hex.highlight(path);
    };

    const encodeNow = () => {
      localStorage.setItem(MESSAGE_KEY, JSON.stringify(message));
      try {
        const { bytes, root: placed } = encodeDetailed(checked.library, message);
        const spans = fieldSpans(placed);
        hex.update(bytes, spans);
        editor?.showComputed(bytes, spans);
        editor?.showIssues([]);
        fill(unplaced);
      } catch (e) {
        if (!(e instanceof MessageError)) throw e;
        hex.update(undefined, []);
        editor?.showComputed(undefined, []);
        const rest = editor?.showIssues(e.issues) ?? e.issues;
        fill(
          unplaced,
          ...rest.map((i) =>
            h('li', { class: 'field-error' }, i.path ? `${i.path}: ${i.message}` : i.message),
          ),
        );
      }
    };

    const drawEditor = () => {
      const names = checked.library.names();
      fill(rootPick, ...names.map((n) => h('option', { value: n }, n)));
      if (!checked.library.has(message.template)) {
        fill(
          editorSlot,
          h(
            'p',
            { class: 'field-error' },
            `Template "${message.template}" is not available (is it invalid?). Pick another.`,
          ),
        );
        editor = undefined;
        hex.update(undefined, []);
        return;
      }
      rootPick.value = message.template;
      try {
        editor = messageEditor(checked.library, message, {
          change: (structural) => (structural ? drawEditor() : encodeNow()),
          select,
        });
      } catch (e) {
        // A nested body naming a template that no longer resolves: start that message afresh.
        fill(editorSlot, h('p', { class: 'field-error' }, (e as Error).message));
        editor = undefined;
        return;
      }
      fill(editorSlot, editor.el);
      encodeNow();
      select(selected);
    };

    const open = (m: Message) => {
      message = structuredClone(m);
      selected = undefined;
      drawEditor();
    };
    rootPick.addEventListener('change', () => open({ template: rootPick.value }));

    const defsEditor = definitionEditor(defs, () => checked.library.names(), {
      changed() {
        checked = checkTemplates(defs);
        defsEditor.showIssues(checked.issues);
        drawEditor();
      },
      use: (name) => open({ template: name }),
      async save(def) {
        try {
          const version = await saveUserTemplate(def, versions.has(def.name));
          versions.set(def.name, version);
          return `saved as version ${version}`;
        } catch (err) {
          // The server checks with the same library; its issues land at the rows like ours.
          if (err instanceof RequestError && err.issues)
            defsEditor.showIssues(new Map([...checked.issues, [def.name, err.issues]]));
          throw err;
        }
      },
      async remove(def) {
        if (!versions.has(def.name)) return true;
        try {
          await deleteUserTemplate(def.name);
          versions.delete(def.name);
          return true;
        } catch {
          return false; // the notice says why
        }
      },
    });
    defsEditor.showIssues(checked.issues);

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'msg-h' },
        h('h2', { id: 'msg-h' }, 'Message'),
        h(
          'div',
          { class: 'buttons' },
          h('label', { for: 'root-template' }, 'Outer template '),
          rootPick,
          h('button', { type: 'button', onclick: () => open(STARTER) }, 'Start from Ethernet › IPv6 › UDP'),
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void navigator.clipboard?.writeText(
                  hex.el.querySelector<HTMLElement>('[data-hex]')?.dataset.hex ?? '',
                ),
            },
            'Copy hex',
          ),
        ),
        h('div', { class: 'template-columns' }, h('div', {}, editorSlot, unplaced), hex.el),
      ),
      h(
        'section',
        { 'aria-labelledby': 'def-h' },
        h('h2', { id: 'def-h' }, 'My templates'),
        h(
          'p',
          { class: 'hint' },
          'Checked as you type with the library the agents use; saved on the server as numbered versions.',
        ),
        defsEditor.el,
      ),
      h(
        'section',
        { 'aria-labelledby': 'pcap-h' },
        h('h2', { id: 'pcap-h' }, 'Open a frame from a capture'),
        pcapImport(() => checked.library, open),
      ),
    );
    drawEditor();
  },
};
