#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int type_error(napi_env env, const char *name, const char *want) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s must be %s", name, want);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return 0;
}

static int range_error(napi_env env, const char *name, const char *want) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s must be %s", name, want);
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return 0;
}

static int type_is(napi_env env, napi_value v, napi_valuetype want) {
  napi_valuetype t;
  return v && napi_typeof(env, v, &t) == napi_ok && t == want;
}

int arg_string(napi_env env, napi_value v, const char *name, char *buf, size_t size) {
  if (!type_is(env, v, napi_string)) return type_error(env, name, "a string");
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return type_error(env, name, "a string");
  if (len == 0 || len >= size) {
    char want[64];
    snprintf(want, sizeof want, "1..%zu bytes long", size - 1);
    return range_error(env, name, want);
  }
  napi_get_value_string_utf8(env, v, buf, size, &len);
  if (strlen(buf) != len) return range_error(env, name, "free of NUL characters");
  return 1;
}

int arg_number(napi_env env, napi_value v, const char *name, double min, double max, double *out) {
  if (!type_is(env, v, napi_number)) return type_error(env, name, "a number");
  double d;
  napi_get_value_double(env, v, &d);
  if (!isfinite(d) || d < min || d > max) {
    char want[96];
    snprintf(want, sizeof want, "between %.17g and %.17g", min, max);
    return range_error(env, name, want);
  }
  *out = d;
  return 1;
}

int arg_int(napi_env env, napi_value v, const char *name, double min, double max, double *out) {
  if (!arg_number(env, v, name, min, max, out)) return 0;
  if (floor(*out) != *out) return range_error(env, name, "an integer");
  return 1;
}

int arg_function(napi_env env, napi_value v, const char *name) {
  return type_is(env, v, napi_function) ? 1 : type_error(env, name, "a function");
}

int opt_prop(napi_env env, napi_value obj, const char *key, napi_value *out, int *present) {
  *present = 0;
  if (!obj) return 1;
  if (napi_get_named_property(env, obj, key, out) != napi_ok) return 0; /* a getter threw */
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  *present = t != napi_undefined && t != napi_null;
  return 1;
}

int opt_int(napi_env env, napi_value obj, const char *key, double min, double max, double *out) {
  napi_value v;
  int present;
  if (!opt_prop(env, obj, key, &v, &present)) return 0;
  return present ? arg_int(env, v, key, min, max, out) : 1;
}

int opt_number(napi_env env, napi_value obj, const char *key, double min, double max, double *out) {
  napi_value v;
  int present;
  if (!opt_prop(env, obj, key, &v, &present)) return 0;
  return present ? arg_number(env, v, key, min, max, out) : 1;
}

int opt_bool(napi_env env, napi_value obj, const char *key, int *out) {
  napi_value v;
  int present;
  if (!opt_prop(env, obj, key, &v, &present)) return 0;
  if (!present) return 1;
  if (!type_is(env, v, napi_boolean)) return type_error(env, key, "a boolean");
  bool b;
  napi_get_value_bool(env, v, &b);
  *out = b;
  return 1;
}

int arg_options(napi_env env, napi_value v, const char *name, napi_value *obj, int *present) {
  napi_valuetype t;
  *present = 0;
  *obj = NULL;
  if (!v || napi_typeof(env, v, &t) != napi_ok || t == napi_undefined || t == napi_null) return 1;
  if (t != napi_object) return type_error(env, name, "an object");
  *obj = v;
  *present = 1;
  return 1;
}

int arg_bytes(napi_env env, napi_value v, const char *name, const uint8_t **data, size_t *len) {
  bool is;
  void *p = NULL;
  if (v && napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type tt;
    size_t n, off;
    napi_value ab;
    napi_get_typedarray_info(env, v, &tt, &n, &p, &ab, &off);
    size_t el = (tt == napi_int16_array || tt == napi_uint16_array) ? 2
                : (tt == napi_int32_array || tt == napi_uint32_array || tt == napi_float32_array) ? 4
                : (tt == napi_float64_array || tt == napi_bigint64_array || tt == napi_biguint64_array) ? 8
                                                                                                       : 1;
    *data = p;
    *len = n * el;
    return 1;
  }
  if (v && napi_is_dataview(env, v, &is) == napi_ok && is) {
    size_t n, off;
    napi_value ab;
    napi_get_dataview_info(env, v, &n, &p, &ab, &off);
    *data = p;
    *len = n;
    return 1;
  }
  if (v && napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    napi_get_arraybuffer_info(env, v, &p, len);
    *data = p;
    return 1;
  }
  return type_error(env, name, "a Buffer, TypedArray, DataView or ArrayBuffer");
}

int arg_handle(napi_env env, napi_value v, const char *name, const napi_type_tag *tag, void **out) {
  bool ok = false;
  if (!type_is(env, v, napi_external) || napi_check_object_type_tag(env, v, tag, &ok) != napi_ok || !ok)
    return type_error(env, name, "a handle from this engine");
  napi_get_value_external(env, v, out);
  return 1;
}

napi_value make_number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

void set_num(napi_env env, napi_value obj, const char *key, double v) {
  napi_set_named_property(env, obj, key, make_number(env, v));
}

void set_val(napi_env env, napi_value obj, const char *key, napi_value v) {
  napi_set_named_property(env, obj, key, v);
}

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case ENOENT: return "ENOENT";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case ENETDOWN: return "ENETDOWN";
    case ENXIO: return "ENXIO";
    case EMSGSIZE: return "EMSGSIZE";
    case EBUSY: return "EBUSY";
    default: return "ESYSCALL";
  }
}

void throw_errno(napi_env env, const char *what, int err) {
  if (err < 0) err = -err;
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_name(err), msg);
}

int opt_netns(napi_env env, napi_value opts, char *buf, size_t size, const char **out) {
  napi_value v;
  int present;
  *out = NULL;
  if (!opt_prop(env, opts, "netns", &v, &present)) return 0;
  if (!present) return 1;
  if (!arg_string(env, v, "netns", buf, size)) return 0;
  *out = buf;
  return 1;
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value wrap(napi_env env, void *p, const napi_type_tag *tag, napi_finalize fin) {
  napi_value v;
  if (napi_create_external(env, p, fin, NULL, &v) != napi_ok) return NULL;
  napi_type_tag_object(env, v, tag);
  return v;
}
