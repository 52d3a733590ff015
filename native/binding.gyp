{
  "targets": [
    {
      "target_name": "netspotter_native",
      "sources": [
        "src/addon/addon.c",
        "src/addon/args.c",
        "src/addon/frame_template.c",
        "src/addon/lathist.c",
        "src/addon/netns.c",
        "src/addon/rx.c",
        "src/addon/rx_js.c",
        "src/addon/seqtrack.c",
        "src/addon/tx.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "libraries": ["-lpthread"],
      "conditions": [["OS!='linux'", { "type": "none" }]]
    }
  ]
}
