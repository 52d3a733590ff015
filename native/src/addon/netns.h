/* Run socket setup inside a named network namespace: sockets keep the namespace they were
 * created in, so the calling thread can switch back right after. */
#ifndef NS_NETNS_H
#define NS_NETNS_H
/* Enters `name` (a name under /run/netns or an absolute path); NULL means stay. Returns the fd of
 * the previous namespace (or -1 when not switched) in *saved. 0 or -errno. */
int netns_enter(const char *name, int *saved);
/* Returns to the saved namespace. 0 or -errno. */
int netns_leave(int saved);
#endif
