# shellcheck shell=bash
# Bash completion for the shmkit tools: options from each program's own
# --help (so it cannot drift from the popt table), column names after -o,
# and existing segment references from shmls.

_shmkit_options() {
	"$1" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[ ,]*//' | sort -u
}

_shmkit_refs() {
	local refs
	refs=$(shmls -rn -o REF 2>/dev/null) || refs=$(shmls -rn 2>/dev/null | cut -d' ' -f1)
	printf '%s\n' "$refs"
}

_shmkit_columns() {
	shmls --list-columns 2>/dev/null | awk 'NF { print $1 }'
}

_shmkit() {
	local prog=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD-1]} i nargs=0 after_dashdash=0
	local IFS=$'\n'

	COMPREPLY=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) after_dashdash=1; break ;;
		-m|--mode|-o|--output|-l|--length|-t|--timeout|-u|--user|--older-than|\
		--sort|--time-format|--target|--holders-of|--name|--name-match|-w|--wait|-s|--size|\
		--namespace|--container|--metrics-top|--output-file)
			((i++)) ;;
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done
	if ((after_dashdash)); then
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return
	fi

	case $prev in
	-o|--output)
		if [[ $prog == shmls ]]; then
			local prefix=${cur%,*} last=${cur##*,} plus=
			[[ $cur == *,* ]] && prefix+="," || prefix=
			[[ -z $prefix && $last == +* ]] && plus=+ last=${last#+}
			mapfile -t COMPREPLY < <(compgen -P "$plus$prefix" -W "$(_shmkit_columns)" -- "$last")
			compopt -o nospace 2>/dev/null
		fi
		return ;;
	--time-format)
		mapfile -t COMPREPLY < <(compgen -W $'short\nfull\niso' -- "$cur")
		return ;;
	-u|--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return ;;
	--container)
		mapfile -t COMPREPLY < <(compgen -W "$(shmls -A -rn -o CONTAINER 2>/dev/null | sort -u)" -- "$cur")
		return ;;
	--namespace)
		mapfile -t COMPREPLY < <(compgen -W "$(shmls -A -rn -o IPCNS 2>/dev/null | sort -u)" -- "$cur")
		return ;;
	--output-file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-m|--mode|-l|--length|-t|--timeout|--older-than|--sort|--target|--holders-of|\
	--name|--name-match|-w|--wait|-s|--size|--metrics-top)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_shmkit_options "$prog")" -- "$cur")
		return
	fi
	case $prog in
	shmcreate)
		((nargs == 0)) && mapfile -t COMPREPLY < <(compgen -W "private" -- "$cur") ;;
	shmwrite)
		if ((nargs == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_shmkit_refs)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi ;;
	shmread|shmattach)
		((nargs == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_shmkit_refs)" -- "$cur") ;;
	shmrm|shmls)
		mapfile -t COMPREPLY < <(compgen -W "$(_shmkit_refs)" -- "$cur") ;;
	esac
}

complete -F _shmkit shmcreate shmattach shmwrite shmread shmrm shmls
