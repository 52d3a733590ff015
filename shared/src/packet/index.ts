// Public API of the packet model: templates, messages, encode/decode/match/compile, pcap, helpers.
export * from './schema.ts';
export { DecodeError, MessageError, TemplateError, type Issue } from './errors.ts';
export { TemplateLibrary, type RTemplate, type RField } from './library.ts';
export { encode, validateMessage } from './encode.ts';
export { decode, type DecodeOptions } from './decode.ts';
export { builtinLibrary, builtinTemplates, SIGNATURE_MAGIC } from './builtin/index.ts';
