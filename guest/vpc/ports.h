/* The ports no VM may own (guest/vpc/ports.c). */
#ifndef GUEST_VPC_PORTS_H
#define GUEST_VPC_PORTS_H

#include "guest/config/config.h"

extern const struct cfg_reserved_ports vpc_reserved_ports;

#endif
