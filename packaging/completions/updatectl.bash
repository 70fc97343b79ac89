# bash completion for updatectl(1), the Varlink client of io.systemd.SysUpdate.

_updatectl() {
    local cur prev words cword
    _init_completion || return

    local flags='-h --help --version --offline --no-legend --no-pager --now'
    local valued='--socket --timeout'
    local verbs='list check update vacuum features enable disable jobs watch'

    case $prev in
        --socket) _filedir; return ;;
        --timeout) COMPREPLY=($(compgen -W 'infinity' -- "$cur")); return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags $valued" -- "$cur"))
        return
    fi

    local i verb=
    for ((i = 1; i < cword; i++)); do
        [[ " $valued " == *" ${words[i-1]} "* ]] && continue
        if [[ " $verbs " == *" ${words[i]} "* ]]; then
            verb=${words[i]}
            break
        fi
    done

    # Targets, versions and features are the service's to tell; only verbs are completed offline.
    [[ -z $verb ]] && COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
}

complete -F _updatectl updatectl
