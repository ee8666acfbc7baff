# bash completion for bosun                                 -*- shell-script -*-

_bosun_rules()
{
    bosun rules 2>/dev/null | awk 'NR > 1 { print $1 }'
}

# The hadolint codes that have a bosun rule (bosun explain takes them).
_bosun_hadolint_codes()
{
    bosun rules --hadolint 2>/dev/null | awk 'NR > 1 && $2 != "-" { print $1 }'
}

# Values of the options lint and image share; returns 0 when $prev is
# one of them (COMPREPLY is set).
_bosun_shared_value()
{
    case $prev in
    -f | --format)
        COMPREPLY=($(compgen -W 'tty plain json sarif checkstyle gitlab github gnu' -- "$cur")) ;;
    --severity)
        COMPREPLY=($(compgen -W 'error warning info error,warning warning,info' -- "$cur")) ;;
    --failure-threshold)
        COMPREPLY=($(compgen -W 'info warning error none' -- "$cur")) ;;
    --ignore)
        COMPREPLY=($(compgen -W "$(_bosun_rules)" -- "$cur")) ;;
    -c | --config | -o | --output)
        COMPREPLY=($(compgen -f -- "$cur")) ;;
    *)
        return 1 ;;
    esac
}

# The options of a command ($1, the words) when $cur starts with '-',
# else file names.
_bosun_options_or_files()
{
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$1 --format --output --severity --ignore
            --failure-threshold --config --no-config --no-color --help" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_bosun()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[1]}
    COMPREPLY=()

    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W 'lint image rules explain config --help --version' -- "$cur"))
        return
    fi
    case $cmd in
    lint)
        _bosun_shared_value && return
        case $prev in
        --build-arg | --target | --stdin-filename | --exclude)
            return ;;
        esac
        _bosun_options_or_files '--build-arg --target --stdin-filename
            --no-hadolint-pragmas --exclude'
        ;;
    image)
        _bosun_shared_value && return
        # --tls-verify=VALUE: bash splits the word at '='.
        if [[ $prev == --tls-verify && $cur == = ]]; then
            COMPREPLY=(true false)
            return
        elif [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --tls-verify ]]; then
            COMPREPLY=($(compgen -W 'true false' -- "$cur"))
            return
        fi
        case $prev in
        --patterns | --authfile | --base)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --cert-dir)
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        --platform)
            COMPREPLY=($(compgen -W 'linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x' -- "$cur"))
            return ;;
        --ref | --name | -j | --jobs | --max-file-size | --max-ratio | --creds)
            return ;;
        esac
        _bosun_options_or_files '--platform --ref --name --no-verify --jobs
            --patterns --max-file-size --max-ratio --base --skip-base --quiet --creds
            --password-stdin --authfile --cert-dir --tls-verify'
        ;;
    rules)
        if [[ $prev == --docs ]]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        elif [[ $prev == -f || $prev == --format ]]; then
            COMPREPLY=($(compgen -W 'table json' -- "$cur"))
        elif ((COMP_CWORD == 2)); then
            COMPREPLY=($(compgen -W '--docs --hadolint --format' -- "$cur"))
        fi
        ;;
    explain)
        ((COMP_CWORD == 2)) &&
            COMPREPLY=($(compgen -W "$(_bosun_rules) $(_bosun_hadolint_codes)" -- "$cur"))
        ;;
    config)
        if ((COMP_CWORD == 2)); then
            COMPREPLY=($(compgen -W 'import --help' -- "$cur"))
        elif [[ $prev == --hadolint || $prev == -o || $prev == --output ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W '--hadolint --output --help' -- "$cur"))
        fi
        ;;
    esac
}

complete -o filenames -F _bosun bosun
