/* RUN instructions as shell scripts (see scripts.c). */
#ifndef BOSUN_LINT_SCRIPTS_H
#define BOSUN_LINT_SCRIPTS_H

#include "dockerfile/model.h"
#include "rules/rule.h"
#include "shell/shell.h"

/* The kind of shell argv[0] names (basename, case-insensitive). */
lint_shell lint_shell_of_argv(const char *argv0);

/* For every instruction, the shell its stage runs shell-form commands with
 * (SHELL instructions, inherited through FROM <stage>; Windows bases run
 * cmd). `out` has one entry per instruction. */
void lint_stage_shells(arena *a, const df_model *m, lint_shell *out);

/* The script a RUN (or RUN trigger) executes, parsed; NULL when it is not
 * a POSIX shell script (PowerShell, cmd, a python heredoc...). */
sh_script *lint_build_script(arena *a, const df_instruction *run,
                             lint_shell shell, const sh_options *opts);

#endif
