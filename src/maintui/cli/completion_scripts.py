"""The text of the bash, zsh and fish completion scripts, built from the CLI's own parser."""

from __future__ import annotations

from typing import Any

# One function shared by bash and zsh (the syntax both accept): it reads the words before the
# cursor and leaves what to offer in _maintui_kind (files|none|…) and _maintui_words.
CORE = """\
_maintui_complete() {
    # $1: the maintui command as typed, $2: the word being completed, then the words before it
    local exe=$1 cur=$2 cmd="" skip="" w kind="" cands="" npos=0
    local -a config
    shift 2
    for w in "$@"; do
        if [[ -n $skip ]]; then
            [[ $skip == --config ]] && config=(--config "$w")
            skip=""
        elif [[ -z $cmd ]]; then
            case $w in
                %(top_values)s) skip=$w ;;
                -*) ;;
                *) cmd=$w ;;
            esac
        elif [[ $w == -* ]]; then
            case "$cmd $w" in
                %(cmd_values)s) skip=$w ;;
            esac
        else
            npos=$((npos + 1))
        fi
    done
    if [[ -n $skip ]]; then
        case "$cmd $skip" in
            *" --config"%(files)s) kind=files ;;
            %(screens)s) kind=screens ;;
            *) kind=none ;;
        esac
    elif [[ -z $cmd ]]; then
        cands="%(commands)s %(top)s"
    elif [[ $cur == -* ]]; then
        case $cmd in
%(options)s
        esac
    else
        case $cmd in
%(arguments)s
        esac
    fi
    case $kind in
        screens|runs|actions)
            cands=$("$exe" "${config[@]}" completion --words "$kind" 2>/dev/null) ;;
    esac
    _maintui_kind=$kind
    _maintui_words=$cands
}
"""

BASH = """\
# bash completion for maintui (`maintui completion bash`)
%(core)s
_maintui() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    _maintui_complete "${COMP_WORDS[0]}" "$cur" "${COMP_WORDS[@]:1:COMP_CWORD-1}"
    if [[ $_maintui_kind == files ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$_maintui_words" -- "$cur"))
    fi
}
complete -F _maintui maintui
"""

ZSH = """\
#compdef maintui
# zsh completion for maintui (`maintui completion zsh`)
%(core)s
_maintui() {
    _maintui_complete "${words[1]}" "${words[CURRENT]}" "${(@)words[2,CURRENT-1]}"
    if [[ $_maintui_kind == files ]]; then
        _files
    else
        compadd -- ${=_maintui_words}
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _maintui "$@"
else
    compdef _maintui maintui
fi
"""

FISH_HEAD = """\
# fish completion for maintui (`maintui completion fish`)
function __maintui_words
    set -l line (commandline -opc)
    set -l config
    set -l i (contains -i -- --config $line)
    and set config --config $line[(math $i + 1)]
    $line[1] $config completion --words $argv 2>/dev/null
end
complete -c maintui -f
"""


def _alts(items: list[str]) -> str:
    """A case pattern matching any of items (quoted), or one that matches nothing."""
    return "|".join(f'"{i}"' for i in items) or '"\\0"'


def _arguments(cmds: list[Any]) -> str:
    lines = []
    for c in cmds:
        only_first = "" if c.many else "((npos == 0)) && "
        if c.kind == "words":
            body = f'{only_first}cands="{" ".join(c.words)}"'
        elif c.kind in ("screens", "runs", "actions", "files"):
            body = f"{only_first}kind={c.kind}"
        else:
            continue
        lines.append(f"            {c.name}) {body} ;;")
    return "\n".join(lines) or "            *) ;;"


def core(cmds: list[Any], top: dict[str, str | None]) -> str:
    values = [(c.name, o, k) for c in cmds for o, k in c.options.items() if k is not None]
    return CORE % {
        "top_values": "|".join(o for o, k in top.items() if k is not None),
        "cmd_values": _alts([f"{n} {o}" for n, o, _ in values]),
        "files": "".join(f'|"{n} {o}"' for n, o, k in values
                         if k == "files" and o != "--config"),
        "screens": _alts([f"{n} {o}" for n, o, k in values if k == "screens"]),
        "commands": " ".join(c.name for c in cmds),
        "top": " ".join(top),
        "options": "\n".join(f'            {c.name}) cands="{" ".join(c.options)}" ;;'
                             for c in cmds),
        "arguments": _arguments(cmds),
    }


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(cond: str, opt: str, kind: str | None) -> str:
    flag = f"-l {opt[2:]}" if opt.startswith("--") else f"-s {opt[1:]}"
    value = {None: "", "files": " -r -F", "screens": " -x -a '(__maintui_words screens)'"}
    return f"complete -c maintui -n {cond} {flag}{value.get(kind, ' -x')}"


def fish(cmds: list[Any], top: dict[str, str | None]) -> str:
    lines = [FISH_HEAD.rstrip("\n")]
    for opt, kind in top.items():
        lines.append(_fish_option("__fish_use_subcommand", opt, kind))
    for c in cmds:
        lines.append(f"complete -c maintui -n __fish_use_subcommand -a {c.name} "
                     f"-d {_fish_quote(c.help)}")
    for c in cmds:
        cond = f"'__fish_seen_subcommand_from {c.name}'"
        if c.kind == "words":
            lines.append(f"complete -c maintui -n {cond} -a {_fish_quote(' '.join(c.words))}")
        elif c.kind == "files":
            lines.append(f"complete -c maintui -n {cond} -F")
        elif c.kind:
            lines.append(f"complete -c maintui -n {cond} -a '(__maintui_words {c.kind})'")
        lines += [_fish_option(cond, o, k) for o, k in c.options.items()]
    return "\n".join(lines) + "\n"


def script(shell: str, cmds: list[Any], top: dict[str, str | None]) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    if shell == "fish":
        return fish(cmds, top)
    return (BASH if shell == "bash" else ZSH) % {"core": core(cmds, top)}
