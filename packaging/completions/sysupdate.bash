# bash completion for sysupdate(8), the .NET drop-in for systemd-sysupdate.
# Installed as .../bash-completion/completions/sysupdate; with --replace-systemd the binary also
# answers to systemd-sysupdate, whose own completion systemd ships.

# Names from a listing verb's JSON ({"components":[…]} or {"features":[…]}), without a JSON parser;
# --root=, --definitions= and --component= already on the command line are passed along.
_sysupdate_names() {
    local verb=$1 word
    local -a scope=()
    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case $word in
            --definitions=*) [[ $verb == components ]] || scope+=("$word") ;;  # components refuses it
            --root=*|--component=*) scope+=("$word") ;;
        esac
    done
    "${COMP_WORDS[0]}" --no-pager --json=short "${scope[@]}" "$verb" 2>/dev/null |
        sed -n "s/.*\"$verb\":\[\([^]]*\)\].*/\1/p" | tr ',' '\n' | tr -d '"'
}

_sysupdate() {
    local cur prev words cword
    _init_completion || return

    local flags='-h --help --version --no-pager --no-legend -A --component-all -S --component-suggested
                 -a --feature-all -s --feature-suggested --reboot --offline'
    local valued='-C --component --definitions --root --image --image-policy --transfer-source
                  -m --instances-max --sync --verify --cleanup --rate-limit --rollout --server --json --listen'
    local verbs='list features enable-feature disable-feature check-new update acquire vacuum cleanup
                 pending reboot components enable-component disable-component varlink'

    case $prev in
        -C|--component) COMPREPLY=($(compgen -W "$(_sysupdate_names components)" -- "$cur")); return ;;
        --definitions|--root|--transfer-source) _filedir -d; return ;;
        --listen) _filedir; return ;;
        --image) _filedir; return ;;
        --sync|--verify|--cleanup) COMPREPLY=($(compgen -W 'yes no' -- "$cur")); return ;;
        --json) COMPREPLY=($(compgen -W 'pretty short off' -- "$cur")); return ;;
        --rollout) COMPREPLY=($(compgen -W 'honour ignore' -- "$cur")); return ;;
        --image-policy|-m|--instances-max|--rate-limit|--server) return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags $valued" -- "$cur"))
        [[ ${COMPREPLY[0]-} == --*= ]] && compopt -o nospace
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

    case $verb in
        '') COMPREPLY=($(compgen -W "$verbs" -- "$cur")) ;;
        features|enable-feature|disable-feature) COMPREPLY=($(compgen -W "$(_sysupdate_names features)" -- "$cur")) ;;
        enable-component|disable-component) COMPREPLY=($(compgen -W "$(_sysupdate_names components)" -- "$cur")) ;;
        # list/update/acquire take a version, which only the (remote) source knows.
    esac
}

complete -F _sysupdate sysupdate
