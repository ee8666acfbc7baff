/*
 * Image references as the distribution project reads them
 * (distribution/reference: ParseNormalizedNamed), and the pieces of its
 * grammar the client needs on their own. reg_ref_parse() and
 * reg_ref_string() are declared in registry.h.
 *
 *   reference   := name [ ":" tag ] [ "@" digest ]
 *   name        := [ domain "/" ] path
 *   domain      := host [ ":" port ]       host: DNS name, IPv4, [IPv6]
 *   path        := component ( "/" component )*
 *   component   := [a-z0-9]+ ( separator [a-z0-9]+ )*
 *   separator   := "." | "_" | "__" | "-"+
 *   tag         := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest      := algorithm ":" hex        (sha256: 64 lower-case digits)
 *
 * The first component is the domain when it contains '.' or ':', is
 * "localhost", or has an upper-case letter (paths are lower case). Without
 * one the domain is Docker Hub's, docker.io, where a one-component path
 * gets the "library/" namespace; "index.docker.io" is read as docker.io.
 */
#ifndef BOSUN_REGISTRY_REFERENCE_H
#define BOSUN_REGISTRY_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/registry.h"

/* Longest repository path (distribution's RepositoryNameTotalLengthMax). */
#define REG_PATH_MAX 255
/* Longest tag. */
#define REG_TAG_MAX 128

/* The host[:port] that serves the API of `domain`: Docker Hub's API is at
 * registry-1.docker.io. */
const char *reg_api_host(const char *domain);

/* Grammar checks of the parts, on their own. */
bool reg_tag_valid(const char *s, size_t n);
bool reg_path_valid(const char *s, size_t n);
bool reg_domain_valid(const char *s, size_t n);
/* A digest the client can verify (sha256 or sha512, lower-case hex of the
 * right length); false with distribution's reason in *why. */
bool reg_digest_valid(const char *s, const char **why);

#endif
