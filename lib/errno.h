/* Negative error codes returned by mm/ and the drivers (Linux numbering,
 * so that they agree with the host's <errno.h> when the unit tests include
 * both). */
#ifndef MM_ERRNO_H
#define MM_ERRNO_H

#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif
#ifndef ERANGE
#define ERANGE 34
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif
#ifndef EIO
#define EIO 5
#endif
#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef ENOTSUP
#define ENOTSUP 95
#endif

#endif
