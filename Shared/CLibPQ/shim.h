// libpq's client header. pkg-config adds -I/usr/include/postgresql; without pkg-config, Debian and
// Ubuntu's libpq-dev still have it under postgresql/.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
