/*
 * bosun-image: `bosun image` in its own executable. Image scanning needs
 * libarchive, Hyperscan, OpenSSL, zstd and isa-l; loading them costs
 * milliseconds at every start, so the bosun executable that lints
 * Dockerfiles does not link them and runs this one for `bosun image`.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_flush_stdout(cmd_image(argc, argv));
}
