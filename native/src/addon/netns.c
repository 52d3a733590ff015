#define _GNU_SOURCE
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int netns_enter(const char *name, int *saved) {
  *saved = -1;
  if (!name) return 0;
  char path[512];
  if (name[0] == '/')
    snprintf(path, sizeof path, "%s", name);
  else
    snprintf(path, sizeof path, "/run/netns/%s", name);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) return -errno;
  int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (cur < 0) {
    int e = -errno;
    close(target);
    return e;
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int e = -errno;
    close(target);
    close(cur);
    return e;
  }
  close(target);
  *saved = cur;
  return 0;
}

int netns_leave(int saved) {
  if (saved < 0) return 0;
  int r = setns(saved, CLONE_NEWNET) < 0 ? -errno : 0;
  close(saved);
  return r;
}
