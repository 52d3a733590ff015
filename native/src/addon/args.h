/* Argument checks for the bindings: every bad value from JS becomes a TypeError or RangeError. On
 * failure these throw and return 0; callers return NULL at once. */
#ifndef NS_ARGS_H
#define NS_ARGS_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

int arg_string(napi_env env, napi_value v, const char *name, char *buf, size_t size);
/* An integer in [min, max]. */
int arg_int(napi_env env, napi_value v, const char *name, double min, double max, double *out);
int arg_number(napi_env env, napi_value v, const char *name, double min, double max, double *out);
int arg_function(napi_env env, napi_value v, const char *name);
/* Property of an options object; *present = 0 when undefined/null (out keeps its default). */
int opt_prop(napi_env env, napi_value obj, const char *key, napi_value *out, int *present);
int opt_int(napi_env env, napi_value obj, const char *key, double min, double max, double *out);
int opt_number(napi_env env, napi_value obj, const char *key, double min, double max, double *out);
int opt_bool(napi_env env, napi_value obj, const char *key, int *out);
/* undefined/null or a plain object. */
int arg_options(napi_env env, napi_value v, const char *name, napi_value *obj, int *present);
/* Bytes of a Buffer/TypedArray/DataView/ArrayBuffer. */
int arg_bytes(napi_env env, napi_value v, const char *name, const uint8_t **data, size_t *len);
/* A native handle created by this addon with the given tag. */
int arg_handle(napi_env env, napi_value v, const char *name, const napi_type_tag *tag, void **out);

/* Reads a binding's n arguments into argv (missing ones are undefined); returns NULL on failure. */
#define ARGS(n)                                                        \
  size_t argc = n;                                                     \
  napi_value argv[n];                                                  \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) \
    return NULL;                                                       \
  for (size_t i_ = argc; i_ < n; i_++) napi_get_undefined(env, &argv[i_]);

/* The `netns` option: *out = NULL when absent, else buf. */
int opt_netns(napi_env env, napi_value opts, char *buf, size_t size, const char **out);

napi_value undefined(napi_env env);
/* A type-tagged external wrapping p (finalised by fin). */
napi_value wrap(napi_env env, void *p, const napi_type_tag *tag, napi_finalize fin);
napi_value make_number(napi_env env, double v);
void set_num(napi_env env, napi_value obj, const char *key, double v);
void set_val(napi_env env, napi_value obj, const char *key, napi_value v);
/* Throws Error("<what>: <strerror>") with code = errno name. */
void throw_errno(napi_env env, const char *what, int err);
#endif
