#ifndef LARDER_CHIREDIS_SHIM_H
#define LARDER_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
