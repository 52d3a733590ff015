// Public API of the packet model: templates, messages, encode/decode/match/compile, pcap, helpers.
export * from './schema.ts';
export { BYTE_FIELD_TYPES, FIELD_TYPE_NAMES, byteFieldType, type ByteFieldType } from './field-types.ts';
export { DecodeError, MessageError, TemplateError, type Issue } from './errors.ts';
export { TemplateLibrary, templateIssues, type RTemplate, type RField } from './library.ts';
export { encode, validateMessage } from './encode.ts';
export { decode, type DecodeOptions } from './decode.ts';
export { sequenceFieldProblem, readSequenceField, type SequenceValue } from './field-path.ts';
export { MAX_NESTING } from './tree.ts';
export { builtinLibrary, builtinTemplates, SIGNATURE_MAGIC } from './builtin/index.ts';
export { match, type MatchOptions, type MatchResult } from './match.ts';
export { compile, CompiledMessage, type PatchPaths } from './compile.ts';
export { multicastMac, solicitedNode, eui64 } from './helpers.ts';
export { readCapture, writePcap, LINKTYPE_ETHERNET, LINKTYPE_RAW, type CapturedFrame } from './pcap.ts';
export { decodeCapture, type DecodedFrame } from './capture.ts';
export {
  loadFrameMessage,
  loadSourceAddress,
  LOAD_SIGNATURE_BYTES,
  LOAD_SIGNATURE_OFFSET,
  type LoadFrameSpec,
} from './load-frame.ts';
