/* The receive-side bindings (rxOpen, rxStart, rxDeliver, rxStats, rxClose). */
#ifndef NS_RX_JS_H
#define NS_RX_JS_H
#include <node_api.h>

void rx_js_register(napi_env env, napi_value exports);
#endif
