# bash completion for bosun                                 -*- shell-script -*-

_bosun_rules()
{
    bosun rules 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_bosun()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[1]}
    COMPREPLY=()

    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W 'lint image rules explain --help --version' -- "$cur"))
        return
    fi
    case $cmd in
    lint)
        case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'tty plain json sarif checkstyle gitlab github' -- "$cur"))
            return ;;
        --failure-threshold)
            COMPREPLY=($(compgen -W 'info warning error none' -- "$cur"))
            return ;;
        --ignore)
            COMPREPLY=($(compgen -W "$(_bosun_rules)" -- "$cur"))
            return ;;
        -c | --config)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --build-arg | --target | --stdin-filename)
            return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--format --build-arg --target --ignore
                --failure-threshold --config --no-config --no-color
                --stdin-filename --help' -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        ;;
    image)
        case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'tty plain json sarif checkstyle gitlab github' -- "$cur"))
            return ;;
        --failure-threshold)
            COMPREPLY=($(compgen -W 'info warning error none' -- "$cur"))
            return ;;
        --ignore)
            COMPREPLY=($(compgen -W "$(_bosun_rules)" -- "$cur"))
            return ;;
        -c | --config | --patterns)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --platform)
            COMPREPLY=($(compgen -W 'linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x' -- "$cur"))
            return ;;
        --ref | -j | --jobs | --max-file-size | --max-ratio)
            return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--format --platform --ref --no-verify
                --jobs --patterns --max-file-size --max-ratio --ignore
                --failure-threshold --config --no-config --no-color
                --help' -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        ;;
    rules)
        if [[ $prev == --docs ]]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -W '--docs' -- "$cur"))
        fi
        ;;
    explain)
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$(_bosun_rules)" -- "$cur"))
        ;;
    esac
}

complete -o filenames -F _bosun bosun
