/*
 * kwnet: the network kinds of keyword value (kwtype.h has the contract):
 * listen addresses, trusted networks and Forward entries. Each line adds
 * one value; an -o option replaces them all. The kinds record in struct
 * kwtype_load the lines servconf's validation names later (the first
 * proxy listener, every Forward entry). Config load only; no logging.
 */
#ifndef POPGATE_KWNET_H
#define POPGATE_KWNET_H

#include "popgate/kwtype.h"

/* ListenAddress HOST[:PORT] [proxy]: addresses and listen_proxy. */
extern const struct kwtype kwnet_listen;
/* ProxyFrom ADDR[/PREFIX][,...]: networks (proxynet.h). */
extern const struct kwtype kwnet_nets;
/* Forward NAME:PORT BACKEND [BACKEND ...] [proxy]: the policy table. */
extern const struct kwtype kwnet_forward;

#endif
