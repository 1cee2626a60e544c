/*
 * kwpath: the path kinds of keyword value (kwtype.h has the contract). A
 * relative path is resolved against the config file's folder while it
 * is parsed, so -T prints absolute ones; a control character is refused
 * (it could not be printed back as one word). Config load only; no
 * logging.
 */
#ifndef POPGATE_KWPATH_H
#define POPGATE_KWPATH_H

#include "popgate/kwtype.h"

/* HostKey: each line adds one (KWTYPE_REPEAT). */
extern const struct kwtype kwpath_paths;
/* One path or unset; KWTYPE_USER: it may hold %u (AuthorizedKeysFile). */
extern const struct kwtype kwpath_path;
/* ControlSocket: a path that fits a sockaddr_un, or "none" (KWTYPE_NONE). */
extern const struct kwtype kwpath_socket;

#endif
